import { parseArgs } from 'node:util';

export type FailOn = 'error' | 'warning' | 'info' | 'never';

export interface CliOptions {
  paths: string[];
  format: string;
  failOn: FailOn;
  help: boolean;
  version: boolean;
  varFiles: string[];
  includeGenerated: boolean;
  /** `--config <file>`: use this configuration file instead of looking for `.grantlint.yaml`. */
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  reportUnusedSuppressions: boolean;
  listRules: boolean;
  printConfig?: string;
  /** `--stdin`: lint standard input as the file named by `--stdin-filename` (editors). */
  stdin: boolean;
  stdinFilename?: string;
}

export class UsageError extends Error {}

const FAIL_ON: FailOn[] = ['error', 'warning', 'info', 'never'];

export function parseCliArgs(argv: string[], formats: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        'fail-on': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        'var-file': { type: 'string', multiple: true },
        'include-generated': { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        'report-unused-suppressions': { type: 'boolean' },
        'list-rules': { type: 'boolean' },
        'print-config': { type: 'string' },
        stdin: { type: 'boolean' },
        'stdin-filename': { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.stdin && !values['stdin-filename']) throw new UsageError('--stdin needs --stdin-filename <path>: the file the text stands for.');
  if (values.stdin && positionals.length > 0) throw new UsageError('--stdin lints standard input only; give no paths.');
  const format = values.format ?? 'stylish';
  if (!formats.includes(format)) throw new UsageError(`Unknown format '${format}'; use one of: ${formats.join(', ')}.`);
  const failOn = (values['fail-on'] ?? 'error') as FailOn;
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`Unknown --fail-on level '${failOn}'; use one of: ${FAIL_ON.join(', ')}.`);
  return {
    paths: positionals.length > 0 ? positionals : ['.'],
    format,
    failOn,
    help: values.help ?? false,
    version: values.version ?? false,
    varFiles: values['var-file'] ?? [],
    includeGenerated: values['include-generated'] ?? false,
    config: values.config,
    baseline: values.baseline,
    writeBaseline: values['write-baseline'],
    reportUnusedSuppressions: values['report-unused-suppressions'] ?? false,
    listRules: values['list-rules'] ?? false,
    printConfig: values['print-config'],
    stdin: values.stdin ?? false,
    stdinFilename: values['stdin-filename'],
  };
}

export function helpText(formats: string[]): string {
  return `Usage: grantlint [options] [paths...]

Lints Azure managed identities and role assignments in Bicep, Terraform and ARM JSON.
Paths are files, folders (walked, honouring .gitignore) or globs; the default is the current folder.

Options:
  -f, --format <name>      Output format: ${formats.join(', ')} (default: stylish)
      --fail-on <level>    Exit 1 when a finding is at least this severe:
                           error, warning, info or never (default: error)
      --var-file <file>    Terraform variable values (repeatable)
      --include-generated  Also lint ARM templates generated from a Bicep file beside them
  -c, --config <file>      Use this configuration file instead of the nearest .grantlint.yaml
      --baseline <file>    Do not report the findings recorded in this baseline file
      --write-baseline <file>
                           Record the current findings in a baseline file and exit 0
      --report-unused-suppressions
                           Report grantlint-disable comments that suppress nothing
      --list-rules         List the rules (plugins included) with their default severity
      --print-config <file>
                           Print the configuration in force for a file, as JSON
      --stdin              Lint standard input as the file named by --stdin-filename
      --stdin-filename <path>
                           The file the text on stdin stands for (its modules are read from disk)
  -h, --help               Show this help
  -v, --version            Show the version

Subcommands:
  grantlint graph [paths] --format mermaid|dot|json   Print the identity graph

Exit codes: 0 no finding reaches the fail level, 1 one does, 2 usage or configuration error.
`;
}

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
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
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
  -h, --help               Show this help
  -v, --version            Show the version

Exit codes: 0 no finding reaches the fail level, 1 one does, 2 usage or configuration error.
`;
}

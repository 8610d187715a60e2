import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from '../engine/suggest.js';

export type FailOn = 'error' | 'warning' | 'info' | 'never';

/** One report to produce: a format, written to a file or (no file) to standard output. */
export interface OutputSpec {
  format: string;
  file?: string;
}

export interface CliOptions {
  paths: string[];
  /** The format of the first output (what `--list-rules` and the progress line go by). */
  format: string;
  /** `-f stylish -f sarif:out.sarif`: every report of the run, in the order given. */
  outputs: OutputSpec[];
  /** `-o, --output-file <file>`: where the output without a file of its own goes, instead of stdout. */
  outputFile?: string;
  failOn: FailOn;
  /** `--quiet`: error findings only (warnings and infos are neither shown nor counted). */
  quiet: boolean;
  /** `--max-warnings N`: exit 1 when more than N warnings are reported (-1, the default: no limit). */
  maxWarnings: number;
  /** `--color` / `--no-color`; undefined: FORCE_COLOR, NO_COLOR and the terminal decide. */
  color?: boolean;
  /** `--no-error-on-unmatched-pattern` turns this off: a path or glob that lints nothing is exit 2. */
  errorOnUnmatchedPattern: boolean;
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
  /** `--fix`: write the fixes; `--fix-dry-run`: report them (JSON `output`). */
  fix?: 'write' | 'dry-run';
  /** `--fix-type`: fixes and/or sole suggestions. */
  fixTypes: ('fix' | 'suggestion')[];
  /** `--fix-rule`: only these rules' fixes. */
  fixRules: string[];
  /** `--no-plugins`: load no plugin named in a configuration file (untrusted code, e.g. a fork's pull request). */
  plugins: boolean;
  /** `--root <folder>`: reads stay inside it (default: the git top level of the paths; outside git, the working folder when it holds them, else their common folder). */
  root?: string;
  /** `--jobs N`: worker threads that lint batches of module closures (default: the number of cores; 1: this thread alone). */
  jobs?: number;
  /** `--shard i/n`: lint only the module closures of shard i of n (CI matrix jobs). */
  shard?: { index: number; count: number };
  /** `--cache` / `--cache-location`: reuse findings of unchanged module closures. */
  cache: boolean;
  cacheLocation?: string;
}

export class UsageError extends Error {}

const FAIL_ON: FailOn[] = ['error', 'warning', 'info', 'never'];

type OptionTable = NonNullable<ParseArgsConfig['options']>;

const OPTIONS = {
  format: { type: 'string', short: 'f', multiple: true },
  'output-file': { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'max-warnings': { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'no-error-on-unmatched-pattern': { type: 'boolean' },
  'no-plugins': { type: 'boolean' },
  root: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
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
  fix: { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  'fix-type': { type: 'string', multiple: true },
  'fix-rule': { type: 'string', multiple: true },
  jobs: { type: 'string', short: 'j' },
  shard: { type: 'string' },
  cache: { type: 'boolean' },
  'cache-location': { type: 'string' },
} as const satisfies OptionTable;

/**
 * Node's argument parser, its errors said in grantlint's words: an unknown option gets the nearest
 * known one ("did you mean"), a missing value says which value.
 */
export function parseOptions<T extends OptionTable>(argv: string[], options: T, command = 'grantlint'): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: T }>> {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw argumentError(e, options, command);
  }
}

function argumentError(e: unknown, options: OptionTable, command: string): UsageError {
  const err = e as Error & { code?: string };
  // Node names the option as '--name', '-x' or '-x, --name <value>'.
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const named = /--[^\s=,]+/.exec(quoted)?.[0] ?? /-[^\s=,]+/.exec(quoted)?.[0];
  const help = `Run '${command} --help' for the options.`;
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && named) {
    const longNames = Object.keys(options).filter((n) => n.length > 1).map((n) => `--${n}`);
    const suggestion = named.startsWith('--') ? closest(named, longNames) : undefined;
    return new UsageError(`Unknown option '${named}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} ${help}`);
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && named) {
    const long = named.replace(/^-+/, '');
    const name = Object.hasOwn(options, long) ? long : Object.keys(options).find((k) => options[k].short === long);
    if (name && options[name].type === 'boolean') return new UsageError(`Option '--${name}' takes no value. ${help}`);
    if (name) return new UsageError(`Option '--${name}' needs a value. ${help}`);
  }
  return new UsageError(`${err.message.split('\n')[0]} ${help}`);
}

/** `stylish`, or `sarif:out.sarif` (format, then the file to write it to). */
function outputSpec(text: string, formats: string[]): OutputSpec {
  const colon = text.indexOf(':');
  const format = colon < 0 ? text : text.slice(0, colon);
  const file = colon < 0 ? undefined : text.slice(colon + 1);
  if (!formats.includes(format)) {
    const near = closest(format, formats);
    throw new UsageError(`Unknown format '${format}'${near ? ` (did you mean '${near}'?)` : ''}; use one of: ${formats.join(', ')}.`);
  }
  if (file === '') throw new UsageError(`--format ${format}: needs a file after the colon, as in ${format}:report.${format === 'sarif' ? 'sarif' : 'txt'}.`);
  return { format, file };
}

export function parseCliArgs(argv: string[], formats: string[]): CliOptions {
  const end = argv.indexOf('--');
  // `-v` is kept as ESLint's spelling of `-V`.
  const args = argv.map((a, i) => (a === '-v' && (end < 0 || i < end) ? '-V' : a));
  const { values, positionals } = parseOptions(args, OPTIONS);
  if (values.stdin && !values['stdin-filename']) throw new UsageError('--stdin needs --stdin-filename <path>: the file the text stands for.');
  if (values.stdin && positionals.length > 0) throw new UsageError('--stdin lints standard input only; give no paths.');
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix writes the fixes and --fix-dry-run only reports them: give one of the two.');
  if (values.fix && values.stdin) throw new UsageError('--fix cannot write to standard input; use --fix-dry-run --format json to get the fixed text.');
  const fixing = values.fix || values['fix-dry-run'];
  if (!fixing && (values['fix-type'] || values['fix-rule'])) throw new UsageError('--fix-type and --fix-rule choose what --fix or --fix-dry-run applies; give one of those too.');
  const fixTypes = (values['fix-type'] ?? ['fix']).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  for (const t of fixTypes) if (t !== 'fix' && t !== 'suggestion') throw new UsageError(`Unknown --fix-type '${t}'; use fix, suggestion or fix,suggestion.`);
  const outputs = (values.format ?? ['stylish']).map((f) => outputSpec(f, formats));
  if (outputs.filter((o) => !o.file).length > 1) {
    throw new UsageError(
      `Only one format can go to ${values['output-file'] ? `--output-file ${values['output-file']}` : 'standard output'}; give the others a file of their own, as in -f ${outputs[0].format} -f sarif:grantlint.sarif.`,
    );
  }
  const failOn = (values['fail-on'] ?? 'error') as FailOn;
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`Unknown --fail-on level '${failOn}'; use one of: ${FAIL_ON.join(', ')}.`);
  const maxWarnings = values['max-warnings'] === undefined ? -1 : Number(values['max-warnings']);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings needs a whole number of warnings (0 or more, or -1 for no limit), not '${values['max-warnings']}'.`);
  if (values.color && values['no-color']) throw new UsageError('--color and --no-color contradict each other; give one.');
  return {
    paths: positionals.length > 0 ? positionals : ['.'],
    format: outputs[0].format,
    outputs,
    outputFile: values['output-file'],
    failOn,
    quiet: values.quiet ?? false,
    maxWarnings,
    color: values.color ? true : values['no-color'] ? false : undefined,
    errorOnUnmatchedPattern: !values['no-error-on-unmatched-pattern'],
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
    ...(fixing ? { fix: values.fix ? ('write' as const) : ('dry-run' as const) } : {}),
    fixTypes: fixTypes as ('fix' | 'suggestion')[],
    fixRules: (values['fix-rule'] ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean),
    plugins: !values['no-plugins'],
    root: values.root,
    jobs: values.jobs === undefined ? undefined : jobsOption(values.jobs),
    shard: values.shard === undefined ? undefined : shardOption(values.shard),
    cache: values.cache ?? values['cache-location'] !== undefined,
    cacheLocation: values['cache-location'],
  };
}

function jobsOption(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 256)) throw new UsageError(`--jobs takes a number of workers from 1 to 256, not '${text}'.`);
  return n;
}

function shardOption(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) throw new UsageError(`--shard takes i/n with 1 <= i <= n (for example 2/4), not '${text}'.`);
  return { index, count };
}

export function helpText(formats: string[]): string {
  return `Usage: grantlint [options] [paths...]
       grantlint graph [options] [paths...]
       grantlint help

Lints Azure managed identities and role assignments in Bicep, Terraform and ARM JSON.
Paths are files, folders (walked, honouring .gitignore) or globs; the default is the current folder.

Output:
  -f, --format <name>[:<file>]
                           Output format: ${formats.join(', ')} (default: stylish).
                           Repeatable; <name>:<file> writes that format to a file
                           (-f stylish -f sarif:grantlint.sarif)
  -o, --output-file <file> Write the report to a file instead of standard output
  -q, --quiet              Report errors only
      --color, --no-color  Force colour on or off (default: on a terminal; FORCE_COLOR and
                           NO_COLOR are honoured)

Exit code:
      --fail-on <level>    Exit 1 when a finding is at least this severe:
                           error, warning, info or never (default: error)
      --max-warnings <n>   Exit 1 when more than n warnings are reported (default: -1, no limit)
      --no-error-on-unmatched-pattern
                           A path or glob that matches no template is not an error (exit 0)

Input:
      --var-file <file>    Terraform variable values (repeatable)
      --include-generated  Also lint ARM templates generated from a Bicep file beside them
      --root <folder>      Modules and linked templates are read only inside this folder
                           (default: the git top level of the paths; outside git,
                           the working folder when it holds them, else their common folder)
      --stdin              Lint standard input as the file named by --stdin-filename
      --stdin-filename <path>
                           The file the text on stdin stands for (its modules are read from disk)

Configuration:
  -c, --config <file>      Use this configuration file instead of the nearest .grantlint.yaml
      --no-plugins         Load no plugin a configuration file names (code you do not trust)
      --baseline <file>    Do not report the findings recorded in this baseline file
      --write-baseline <file>
                           Record the current findings in a baseline file and exit 0
      --report-unused-suppressions
                           Report grantlint-disable comments that suppress nothing
      --list-rules         List the rules (plugins included) with their default severity
                           and documentation (--format json for a machine-readable list)
      --print-config <file>
                           Print the configuration in force for a file, as JSON

Fixes:
      --fix                Apply the fixes to the files, then report what is left
      --fix-dry-run        Compute the fixes without writing them (--format json shows
                           each fixed file's text as "output")
      --fix-type <types>   What --fix applies: fix (safe fixes, the default), suggestion
                           (a finding's suggestion when it has exactly one), or both: fix,suggestion
      --fix-rule <id>      Apply only this rule's fixes (repeatable, or comma-separated)

Speed:
  -j, --jobs <n>           Worker threads linting (default: the number of cores)
      --shard <i/n>        Lint shard i of n: whole module closures, for CI matrix jobs
      --cache              Reuse the findings of unchanged module closures (.grantlintcache)
      --cache-location <path>
                           Where the cache file is (a folder: .grantlintcache inside it)

  -h, --help               Show this help (also: grantlint help)
  -V, --version            Show the version (also: -v)

Subcommands:
  grantlint lsp                                       Run the language server on stdio (editors)
  grantlint graph [paths] --format mermaid|dot|json   Print the identity graph

Exit codes: 0 no finding reaches the fail level, 1 one does (or too many warnings),
2 usage or configuration error, or nothing to lint.
`;
}

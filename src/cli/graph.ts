import { unmatchedMessage, unmatchedPaths } from '../discover/unmatched.js';
import { ConfigResolver } from '../engine/config.js';
import { lint } from '../engine/lint.js';
import { GRAPH_RENDERERS } from '../format/graph/index.js';
import { parseOptions, UsageError } from './options.js';

export interface GraphIo {
  stdout: (text: string) => void;
  cwd: string;
}

export function graphHelpText(): string {
  return `Usage: grantlint graph [options] [paths...]

Prints the identity graph: which workloads use which identities, and which roles those identities
(or principals passed in) are granted on which scopes; grants with findings are drawn in the colour
of their most severe finding, with a legend.

Options:
  -f, --format <name>      ${Object.keys(GRAPH_RENDERERS).join(', ')} (default: mermaid)
      --var-file <file>    Terraform variable values (repeatable)
      --include-generated  Also read ARM templates generated from a Bicep file beside them
      --root <folder>      Modules and linked templates are read only inside this folder
      --no-plugins         Load no plugin a configuration file names
  -c, --config <file>      Use this configuration file (its ignores) instead of the nearest .grantlint.yaml
      --no-error-on-unmatched-pattern
                           A path or glob that matches no template is not an error
  -h, --help               Show this help
`;
}

/** `grantlint graph [paths] --format mermaid|dot|json`. Throws UsageError on bad arguments. */
export async function runGraph(argv: string[], io: GraphIo): Promise<number> {
  const parsed = parseOptions(
    argv,
    {
      format: { type: 'string', short: 'f' },
      help: { type: 'boolean', short: 'h' },
      'var-file': { type: 'string', multiple: true },
      'include-generated': { type: 'boolean' },
      root: { type: 'string' },
      'no-plugins': { type: 'boolean' },
      config: { type: 'string', short: 'c' },
      'no-error-on-unmatched-pattern': { type: 'boolean' },
    },
    'grantlint graph',
  );
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(graphHelpText());
    return 0;
  }
  const format = values.format ?? 'mermaid';
  if (!Object.hasOwn(GRAPH_RENDERERS, format)) {
    throw new UsageError(`Unknown graph format '${format}'; use one of: ${Object.keys(GRAPH_RENDERERS).join(', ')}.`);
  }
  const render = GRAPH_RENDERERS[format];
  const paths = positionals.length > 0 ? positionals : ['.'];
  // The rules run too, with the configuration in force, so that the picture marks the grants
  // that have findings (the configuration's ignores, severities and suppressions apply).
  const { graph, files, findings } = await lint(paths, {
    cwd: io.cwd,
    varFiles: values['var-file'] ?? [],
    includeGenerated: values['include-generated'] ?? false,
    root: values.root,
    config: new ConfigResolver({ cwd: io.cwd, configFile: values.config, plugins: !values['no-plugins'] }),
    keepGraph: true,
  });
  if (!values['no-error-on-unmatched-pattern']) {
    const unmatched = await unmatchedPaths(paths, files, io.cwd);
    if (unmatched.length > 0) throw new UsageError(unmatchedMessage(unmatched));
  }
  io.stdout(render(graph!, { cwd: io.cwd, findings }));
  return 0;
}

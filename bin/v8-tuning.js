// A lint run is short and wide: three front ends, the graph and thirty rules each get hot for a
// few seconds. With V8's defaults TurboFan optimizes about a thousand functions in a run over the
// corpus, many of them again after a deoptimization, and that compiling took 6-11 s of CPU of a
// 14-22 s run on two cores (docs/performance.md). Optimizing later (a larger interrupt budget:
// only what stays hot is compiled) and without inlining (smaller graphs to compile, fewer
// deoptimizations) took that run from 11.6 to 8.5 s of wall time.
//
// The flags are V8's and process-wide (worker threads inherit them). They are set before any of
// grantlint's code is compiled, and the build sets them too before it saves the code cache, whose
// check covers V8's flags (bin/load-bundle.js). The language server lives long and keeps V8's
// defaults; a flag the user gives Node wins.
const { setFlagsFromString } = require('node:v8');

const TUNING = ['--interrupt-budget=500000', '--no-turbo-inlining'];

/**
 * Sets TUNING for a run of the CLI with these arguments (none for `grantlint lsp`), except the
 * flags named in `given` (Node's own options); returns the flags it set.
 */
function tuneV8(args, given = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`, set = setFlagsFromString) {
  if (args[0] === 'lsp') return [];
  const name = (flag) => flag.replace(/^--(?:no-)?/, '').replace(/=.*$/, '');
  const named = new Set([...given.matchAll(/--[\w-]+/g)].map((m) => name(m[0]).replace(/_/g, '-')));
  const flags = TUNING.filter((flag) => !named.has(name(flag)));
  for (const flag of flags) set(flag);
  return flags;
}

module.exports = { TUNING, tuneV8 };

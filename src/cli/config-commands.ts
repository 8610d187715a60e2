import { relative, resolve } from 'node:path';
import type { ConfigResolver } from '../engine/config.js';
import { ruleDocsUrl } from '../format/links.js';
import { maxOf } from '../util/arrays.js';

/**
 * `--list-rules`: every rule that can report, plugins included, with its default severity and the
 * URL of its documentation for this version (`docsUrl`; absent for a plugin rule without one).
 */
export function listRules(config: ConfigResolver, format: string, version: string): string {
  const metas = [...config.ruleMetas()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (format === 'json') {
    const rules = metas.map((m) => ({ id: m.id, severity: m.severity, description: m.description, docsUrl: ruleDocsUrl(m, version) }));
    return JSON.stringify(rules, null, 2) + '\n';
  }
  const idWidth = maxOf(metas.map((m) => m.id.length));
  return metas.map((m) => `${m.id.padEnd(idWidth)}  ${m.severity.padEnd(7)}  ${m.description}`).join('\n') + '\n';
}

function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return (rel === '' ? file : rel).split('\\').join('/');
}

/**
 * `--print-config <file>`: the configuration in force for that file — which config files apply,
 * whether it is ignored, and each rule's severity and options after `rules` and `overrides`.
 */
export async function printConfig(config: ConfigResolver, file: string): Promise<string> {
  const abs = resolve(config.cwd, file);
  await config.load([abs]);
  const effective = config.forFile(abs);
  // One rule per line, in the `[severity, options]` form the configuration file uses.
  const rules = [...effective.rules].map(([id, s]) => `    ${JSON.stringify(id)}: ${JSON.stringify([s.severity, s.options])}`);
  return [
    '{',
    `  "file": ${JSON.stringify(shown(abs, config.cwd))},`,
    `  "configFiles": ${JSON.stringify(effective.configFiles.map((c) => shown(c, config.cwd)))},`,
    `  "ignored": ${effective.ignored},`,
    `  "rules": {`,
    rules.join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n');
}


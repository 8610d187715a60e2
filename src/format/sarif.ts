import { pathToFileURL } from 'node:url';
import type { Finding, RuleMeta, Severity, TextEdit } from '../engine/types.js';
import type { Range } from '../model/location.js';
import { jsonForLogs, wellFormed } from './escape.js';
import { REPOSITORY_URL, ruleDocsUrl } from './links.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * GitHub code scanning ranks alerts tagged `security` by `security-severity` (a CVSS-like score):
 * >= 7 high, >= 4 medium, else low. These follow the rule's default severity.
 */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '7.5', warning: '5.0', info: '2.0' };

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = 'SRCROOT';

/**
 * SARIF 2.1.0: one run with the rule table derived from rule metadata (help links to the rule
 * pages), results with relative URIs against `SRCROOT` (the working directory, which in CI is the
 * repository root: what GitHub code scanning needs to place alerts), 1-based regions, related
 * locations and partial fingerprints. Columns count UTF-16 code units, like the parsers'.
 */
export const sarif: Formatter = (result, { cwd, rules, version }) => {
  const table: RuleMeta[] = [...rules];
  const index = new Map(table.map((r, i) => [r.id, i]));
  // A finding from a rule the caller did not describe (a custom rule's diagnostic) still gets an entry.
  for (const f of result.findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, table.length);
      table.push({ id: f.ruleId, description: f.ruleId, severity: f.severity, messages: {}, docs: '' });
    }
  }
  const physical = (file: string, range: Range) => ({
    artifactLocation: { uri: encodeUri(displayPath(file, cwd)), uriBaseId: SRCROOT },
    region: {
      startLine: range.start.line,
      startColumn: range.start.column,
      endLine: range.end.line,
      endColumn: range.end.column,
    },
  });
  /** SARIF §3.55: one change per file, each edit a replacement of a region (empty for an insertion). */
  const artifactChanges = (edits: TextEdit[]) => {
    const byFile = new Map<string, TextEdit[]>();
    for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    return [...byFile].map(([file, list]) => ({
      artifactLocation: physical(file, list[0].range).artifactLocation,
      replacements: list.map((e) => ({
        deletedRegion: physical(file, e.range).region,
        insertedContent: { text: e.text },
      })),
    }));
  };
  const results = result.findings.map((f: Finding) => {
    const out: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: physical(f.file, f.range) }],
    };
    if (f.related.length > 0) {
      out.relatedLocations = f.related.map((r, i) => ({ id: i + 1, message: { text: r.message }, physicalLocation: physical(r.file, r.range) }));
    }
    const fixes = [
      ...(f.fix ? [{ description: { text: f.fix.message ?? `Fix the ${f.ruleId} finding` }, edits: f.fix.edits }] : []),
      ...(f.suggestions ?? []).map((s) => ({ description: { text: s.message }, edits: s.edits })),
    ];
    if (fixes.length > 0) out.fixes = fixes.map((x) => ({ description: x.description, artifactChanges: artifactChanges(x.edits) }));
    // GitHub keys alerts on primaryLocationLineHash; grantlint's fingerprint is already stable
    // across line moves, which is what that hash is for. The named key serves other consumers.
    out.partialFingerprints = { primaryLocationLineHash: f.fingerprint, 'grantlint/v1': f.fingerprint };
    return out;
  });
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'grantlint',
            semanticVersion: version,
            version,
            informationUri: REPOSITORY_URL,
            rules: table.map((rule) => ruleDescriptor(rule, version)),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return jsonForLogs(JSON.stringify(log, null, 2)) + '\n';
};

function ruleDescriptor(rule: RuleMeta, version: string): Record<string, unknown> {
  const helpUri = ruleDocsUrl(rule, version);
  const descriptor: Record<string, unknown> = {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: firstSentence(rule.description) },
    fullDescription: { text: rule.description },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    help: {
      text: helpUri ? `${rule.description}\n\nDocumentation: ${helpUri}` : rule.description,
      markdown: helpUri ? `${rule.description}\n\n[Documentation](${helpUri})` : rule.description,
    },
    properties: { tags: ['security', 'azure', 'rbac'], 'security-severity': SECURITY_SEVERITY[rule.severity] },
  };
  if (helpUri) descriptor.helpUri = helpUri;
  return descriptor;
}

function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(text);
  return m ? m[1] : text;
}

/**
 * A relative path as a URI reference: segments percent-encoded, `/` kept. A lone surrogate (a file
 * name that is not valid UTF-16) has no UTF-8 form; it is encoded as U+FFFD.
 */
function encodeUri(rel: string): string {
  return wellFormed(rel).split('/').map(encodeURIComponent).join('/');
}

/** `file:///abs/cwd/` — a base URI must end with a slash to resolve relative references under it. */
function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

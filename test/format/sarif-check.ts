import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import { expect } from 'vitest';
import { sharedPath } from '../helpers/paths.js';

const schema = JSON.parse(readFileSync(sharedPath('schemas', 'sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({
  allErrors: true,
  strict: false,
  formats: {
    uri: (s: string) => URL.canParse(s),
    'uri-reference': (s: string) => URL.canParse(s, 'file:///base/'),
    'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
  },
});
const validate = ajv.compile(schema);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Log = any;

/** Validates against the official SARIF 2.1.0 schema, then against what GitHub code scanning needs beyond it. */
export function checkSarif(text: string): Log {
  expect(Buffer.byteLength(text)).toBeLessThan(10 * 1024 * 1024); // GitHub's upload limit (gzip: ours is far below anyway)
  const log = JSON.parse(text);
  const valid = validate(log);
  expect(valid ? [] : validate.errors).toEqual([]);
  expect(log.version).toBe('2.1.0');
  expect(log.runs.length).toBeGreaterThanOrEqual(1);
  expect(log.runs.length).toBeLessThanOrEqual(20);
  for (const run of log.runs) {
    const driver = run.tool.driver;
    expect(driver.name).toBe('grantlint');
    expect(driver.rules.length).toBeLessThanOrEqual(25_000);
    const ids = driver.rules.map((r: any) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of driver.rules) {
      expect(rule.id).toMatch(/\S/);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.shortDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
      expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
      expect(Number(rule.properties['security-severity'])).toBeGreaterThanOrEqual(0);
    }
    expect(run.results.length).toBeLessThanOrEqual(25_000);
    const base = run.originalUriBaseIds.SRCROOT.uri;
    expect(base).toMatch(/^file:\/\/\/.*\/$/);
    for (const result of run.results) {
      expect(typeof result.ruleId).toBe('string');
      expect(driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(['error', 'warning', 'note']).toContain(result.level);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(result.locations).toHaveLength(1);
      expect(result.relatedLocations?.length ?? 0).toBeLessThanOrEqual(1000);
      for (const loc of [...result.locations, ...(result.relatedLocations ?? [])]) {
        const { artifactLocation, region } = loc.physicalLocation;
        // Relative to the repository root: no scheme, no leading slash, no backslash.
        expect(artifactLocation.uri).not.toMatch(/^[a-z][a-z0-9+.-]*:|^\/|\\/i);
        expect(artifactLocation.uriBaseId).toBe('SRCROOT');
        expect(region.startLine).toBeGreaterThanOrEqual(1);
        expect(region.startColumn).toBeGreaterThanOrEqual(1);
        expect(region.endLine).toBeGreaterThanOrEqual(region.startLine);
      }
      expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/\S/);
    }
  }
  return log;
}


import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinRules } from '../../rules/index.js';
import { DIAGNOSTIC_RULES } from '../../src/engine/diagnostic-rules.js';
import { lint } from '../../src/engine/lint.js';
import { docExamples, renderDocHeader } from '../../src/engine/rule-docs.js';
import { repoRoot } from '../helpers/paths.js';

const FILE_FOR: Record<string, string> = { bicep: 'main.bicep', hcl: 'main.tf', json: 'azuredeploy.json' };
const temp = mkdtempSync(join(tmpdir(), 'grantlint-docs-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('rule files, index and docs agree', () => {
  const files = readdirSync(join(repoRoot, 'rules'))
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => basename(f, '.ts'))
    .sort();

  it('every rule file is in the index under its own id', () => {
    expect(builtinRules.map((r) => r.meta.id).sort()).toEqual(files);
  });

  for (const meta of [...builtinRules.map((r) => r.meta), ...DIAGNOSTIC_RULES]) {
    it(`${meta.id}: id, docs path and generated header`, () => {
      expect(meta.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(meta.docs).toBe(`docs/rules/${meta.id}.md`);
      const page = readFileSync(join(repoRoot, meta.docs), 'utf8');
      expect(page).toContain(renderDocHeader(meta));
      for (const section of ['## What it finds', '## Why it matters', '## Examples', '## Options', '## How to suppress']) {
        expect(page).toContain(section);
      }
    });
  }
});

describe('doc examples: bad ones fire, good ones stay clean', () => {
  for (const meta of [...builtinRules.map((r) => r.meta), ...DIAGNOSTIC_RULES]) {
    const page = readFileSync(join(repoRoot, meta.docs), 'utf8');
    const examples = docExamples(page);
    // internal-error is a defect in grantlint: no template is meant to cause it.
    if (meta.id !== 'internal-error') {
      it(`${meta.id} has a bad example`, () => {
        expect(examples.some((e) => e.kind === 'bad')).toBe(true);
      });
    }
    examples.forEach((example, i) => {
      it(`${meta.id}: ${example.kind} ${example.language} example at line ${example.line}`, async () => {
        const dir = join(temp, `${meta.id}-${i}`);
        const { mkdirSync } = await import('node:fs');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, FILE_FOR[example.language]), example.code);
        const result = await lint([dir], { cwd: dir, reportUnusedSuppressions: true });
        const mine = result.findings.filter((f) => f.ruleId === meta.id);
        if (example.kind === 'bad') expect(mine.length).toBeGreaterThan(0);
        else expect(mine.map((f) => f.message)).toEqual([]);
      });
    });
  }
});

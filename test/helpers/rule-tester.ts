import { relative } from 'node:path';
import { expect, it } from 'vitest';
import { lint } from '../../src/engine/lint.js';
import { treeMaker } from './tree.js';

export interface RuleCase {
  name: string;
  /** Files of the project, by relative path. */
  files: Record<string, string>;
  /** Expected findings of the rule under test: file, 1-based start line, and text the message must contain. */
  findings: { file: string; line: number; message?: string | RegExp }[];
}

/** Table-driven rule cases (ESLint's RuleTester, for whole projects): each case is linted in its own folder. */
export function ruleCases(ruleId: string, cases: RuleCase[]): void {
  const { tree } = treeMaker(`grantlint-${ruleId}-`);
  for (const c of cases) {
    it(c.name, async () => {
      const dir = tree(c.files);
      const result = await lint([dir], { cwd: dir });
      const got = result.findings
        .filter((f) => f.ruleId === ruleId)
        .map((f) => ({ file: relative(dir, f.file).split('\\').join('/'), line: f.range.start.line, message: f.message }));
      expect(got.map(({ file, line }) => ({ file, line }))).toEqual(c.findings.map(({ file, line }) => ({ file, line })));
      c.findings.forEach((e, i) => {
        if (e.message instanceof RegExp) expect(got[i].message).toMatch(e.message);
        else if (e.message) expect(got[i].message).toContain(e.message);
      });
    });
  }
}

import { describe, expect, it } from 'vitest';
import { withoutRepeats } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';

const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: 'privileged-role',
  severity: 'warning',
  message: 'Owner on the resource group.',
  file: '/repo/main.bicep',
  range: { start: { line: 3, column: 1 }, end: { line: 9, column: 2 } },
  related: [],
  fingerprint: 'f00d',
  ...over,
});

describe('withoutRepeats', () => {
  it('keeps the first of exact repeats, in order, and every finding that differs in anything', () => {
    const a = finding();
    const b = finding({ related: [{ message: 'The value is written here.', file: '/repo/main.bicep', range: { start: { line: 5, column: 3 }, end: { line: 5, column: 9 } } }] });
    const c = finding({ range: { start: { line: 3, column: 1 }, end: { line: 9, column: 3 } } });
    const d = finding({ severity: 'error' });
    const e = finding({ ruleId: 'broad-scope' });
    const out = withoutRepeats([a, b, { ...a }, c, d, { ...b }, e, { ...d }, { ...a }]);
    expect(out).toEqual([a, b, c, d, e]);
    expect(out[0]).toBe(a);
  });
});

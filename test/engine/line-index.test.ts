import { afterEach, describe, expect, it, vi } from 'vitest';
import { lint } from '../../src/engine/lint.js';
import { fingerprint } from '../../src/engine/run-rules.js';
import { LineMap } from '../../src/model/location.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-lines-');

/** `n` Owner grants to a parameter's principal on the resource group: n findings in one file. */
function bicepGrants(n: number): string {
  const out = ['param principalId string', ''];
  for (let i = 0; i < n; i++) {
    out.push(`resource r${i} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, 'r${i}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
    principalId: principalId
  }
}
`);
  }
  return out.join('\n');
}

afterEach(() => vi.restoreAllMocks());

describe('positions and fingerprints come from a line index built once per file', () => {
  it('a file with many findings is split into lines a bounded number of times, not once per finding', async () => {
    const dir = tree({ 'main.bicep': bicepGrants(300) });
    const split = vi.spyOn(String.prototype, 'split');
    const result = await lint([dir], { cwd: dir });
    const lineSplits = split.mock.calls.filter(([sep]) => sep instanceof RegExp && sep.source === '\\r\\n|\\r|\\n').length;
    expect(result.findings.length).toBeGreaterThanOrEqual(600);
    expect(lineSplits).toBeLessThan(5);
  });

  it('the fingerprint is the same with the shared index as without it, CRLF, CR and clamped columns included', () => {
    const text = 'resource a {\r\n  name: x\r  y\n}\n';
    const lines = new LineMap(text);
    const at = (s: [number, number], e: [number, number]) => ({ file: '/p/main.bicep', range: { start: { line: s[0], column: s[1] }, end: { line: e[0], column: e[1] } } });
    const cases = [at([1, 1], [4, 2]), at([2, 3], [2, 99]), at([1, 10], [3, 2]), at([9, 1], [9, 4]), at([3, 1], [12, 1])];
    const expected = ['resource a { name: x y }', 'name: x', 'a { name: x', '', 'y }'];
    cases.forEach((c, i) => {
      const viaIndex = fingerprint('r', c, 's', text, lines);
      expect(viaIndex).toBe(fingerprint('r', c, 's', text));
      // The snippet hashed is the range's text with white space collapsed.
      const snippet = expected[i];
      const whole = at([1, 1], [1, snippet.length + 1]);
      expect(viaIndex).toBe(fingerprint('r', whole, 's', snippet === '' ? undefined : snippet));
    });
  });
});

describe('LineMap', () => {
  it('finds the same line starts on the LF-only fast path as a reading character by character', () => {
    const slow = (text: string): number[] => {
      const starts = [0];
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '\n') starts.push(i + 1);
        else if (text[i] === '\r') starts.push((text[i + 1] === '\n' ? ++i : i) + 1);
      }
      return starts;
    };
    const texts = ['', 'a', '\n', '\n\n', 'a\nb\n', 'a\nbc\n\nd', '\r', 'a\r\nb\rc\nd', 'x\r\n\r\n', 'é\n😀\nz'];
    for (const text of texts) {
      const map = new LineMap(text);
      const starts = slow(text);
      expect(map.lineCount, JSON.stringify(text)).toBe(starts.length);
      starts.forEach((start, i) => expect(map.offset({ line: i + 1, column: 1 })).toBe(start));
      // In order, backwards and jumping about: the remembered line must never answer for another.
      const offsets = [...Array(text.length + 1).keys()];
      for (const o of [...offsets, ...offsets.reverse(), ...offsets.map((_, i) => (i * 7) % (text.length + 1))]) {
        const line = starts.filter((s) => s <= o).length;
        expect(map.position(o)).toEqual({ line, column: o - starts[line - 1] + 1 });
      }
    }
  });
});

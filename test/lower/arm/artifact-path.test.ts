import { describe, expect, it } from 'vitest';
import { artifactPath } from '../../../src/lower/arm/evaluate.js';
import type { Value } from '../../../src/model/value.js';

const s = (value: string): Value => ({ kind: 'string', value });
const u = (symbol: string): Value => ({ kind: 'unknown', symbol });

describe('artifactPath: the local file an artifact-location templateLink.uri names', () => {
  it('uri(base, concat(path, sas))', () => {
    expect(artifactPath({ kind: 'call', fn: 'uri', args: [u('base'), { kind: 'concat', parts: [s('nestedtemplates/createVM.json'), u('sas')] }] })).toBe(
      'nestedtemplates/createVM.json',
    );
  });
  it('concat(base, /path, sas) with a leading slash and a query', () => {
    expect(artifactPath({ kind: 'concat', parts: [u('base'), s('/nested/vm.json?sv=1'), u('sas')] })).toBe('nested/vm.json');
  });
  it('nothing for remote URLs, parent paths or non-JSON', () => {
    expect(artifactPath(s('https://example.com/x.json'))).toBeUndefined();
    expect(artifactPath({ kind: 'concat', parts: [u('base'), s('../outside.json')] })).toBeUndefined();
    expect(artifactPath({ kind: 'concat', parts: [u('base'), s('scripts/install.sh')] })).toBeUndefined();
  });
});

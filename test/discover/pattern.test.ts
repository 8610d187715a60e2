import { isDynamicPattern as library } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { isDynamicPattern } from '../../src/discover/pattern.js';

describe('isDynamicPattern', () => {
  it('answers as the glob library does, loading it only for paths with glob characters', () => {
    const paths = [
      'infra', 'infra/main.bicep', './a/b.tf', '/abs/path/x.json', 'name with spaces/x.bicep', 'a-b_c.d/e~f', 'dir.v2/x@1.bicep',
      '**/*.bicep', 'infra/*.tf', 'a?.json', 'a[bc].json', '{a,b}/x.tf', '!(a)/x', '+(a)/x', '@(a|b)', 'a\\*b', 'C:\\repo\\x.bicep', 'a(b)c', 'a!b', 'a+b', 'x{1}',
    ];
    for (const p of paths) expect(isDynamicPattern(p), p).toBe(library(p));
  });
});

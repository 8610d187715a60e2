import { describe, expect, it } from 'vitest';
import { parseExpression, parseTemplateString, type ArmExpr } from '../../../src/syntax/arm/expression.js';

function expr(s: string): ArmExpr {
  const t = parseTemplateString(s);
  if (t.kind !== 'expression') throw new Error(`not an expression: ${JSON.stringify(t)}`);
  return t.expr;
}

/** A compact rendering for assertions. */
function show(e: ArmExpr): string {
  switch (e.kind) {
    case 'string':
      return `'${e.value}'`;
    case 'number':
    case 'bool':
      return String(e.value);
    case 'null':
      return 'null';
    case 'call':
      return `${e.namespace ? e.namespace + '.' : ''}${e.name}(${e.args.map(show).join(', ')})`;
    case 'property':
      return `${show(e.object)}.${e.name}`;
    case 'index':
      return `${show(e.object)}[${show(e.index)}]`;
  }
}

describe('template strings', () => {
  it('tells literals from expressions; [[ escapes a literal [', () => {
    expect(parseTemplateString('plain')).toEqual({ kind: 'literal', value: 'plain' });
    expect(parseTemplateString('[[not an expression]')).toEqual({ kind: 'literal', value: '[not an expression]' });
    expect(parseTemplateString('[x')).toEqual({ kind: 'literal', value: '[x' });
    expect(parseTemplateString('x]')).toEqual({ kind: 'literal', value: 'x]' });
    expect(parseTemplateString('[]').kind).toBe('error');
    expect(parseTemplateString("[concat('a')]").kind).toBe('expression');
  });

  it('parses calls, nesting, literals, property access and indexing', () => {
    expect(show(expr("[reference(resourceId('Microsoft.Web/sites', variables('n')), '2022-09-01', 'full').identity.principalId]"))).toBe(
      "reference(resourceId('Microsoft.Web/sites', variables('n')), '2022-09-01', 'full').identity.principalId",
    );
    expect(show(expr("[parameters('arr')[copyIndex(1)].name]"))).toBe("parameters('arr')[copyIndex(1)].name");
    expect(show(expr("[createArray(1, -2, 3.5, true, false, null)]"))).toBe('createArray(1, -2, 3.5, true, false, null)');
    expect(show(expr("[variables('o')['key with space']]"))).toBe("variables('o')['key with space']");
    expect(show(expr('[ utcNow ( ) ]'))).toBe('utcNow()');
  });

  it("unescapes '' inside string literals", () => {
    const e = expr("[concat('it''s', '''')]");
    expect(e.kind === 'call' && e.args.map((a) => (a.kind === 'string' ? a.value : ''))).toEqual(["it's", "'"]);
  });

  it('parses user-defined functions with namespaces', () => {
    const e = expr("[contoso.uniqueName(parameters('p')).value]");
    expect(e.kind).toBe('property');
    const call = e.kind === 'property' ? e.object : e;
    expect(call).toMatchObject({ kind: 'call', namespace: 'contoso', name: 'uniqueName' });
  });

  it('gives offsets inside the string', () => {
    const s = "[concat('a', parameters('p'))]";
    const e = expr(s);
    expect(e.start).toBe(1);
    expect(e.end).toBe(s.length - 1);
    const p = e.kind === 'call' ? e.args[1] : e;
    expect(s.slice(p.start, p.end)).toBe("parameters('p')");
  });

  it('reports errors with an offset and never throws', () => {
    for (const bad of ["[concat('a']", "[concat('a',)]", '[a.b]', "['unterminated]", '[1 2]', '[foo]', '[f(]', '[.x]', '[f()[]]']) {
      const t = parseTemplateString(bad);
      expect(t.kind, bad).toBe('error');
      if (t.kind === 'error') {
        expect(t.error.offset).toBeGreaterThanOrEqual(0);
        expect(t.error.offset).toBeLessThanOrEqual(bad.length);
        expect(t.error.message.length).toBeGreaterThan(0);
      }
    }
    const deep = '[' + 'f('.repeat(5000) + ')'.repeat(5000) + ']';
    expect(parseTemplateString(deep).kind).toBe('error');
    expect(parseExpression('', 0, 0).error).toBeDefined();
  });

  it('skips Unicode white space between arguments, as Azure does (no-break spaces occur in real templates)', () => {
    const t = parseTemplateString("[resourceId('Microsoft.Storage/storageAccounts',\u00a0parameters('name'))]");
    expect(t.kind).toBe('expression');
  });
});

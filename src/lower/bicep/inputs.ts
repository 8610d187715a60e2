/**
 * Which Bicep expressions depend on a root's input. A root's parameter defaults are possibilities,
 * not facts (the acceptance contract): a condition that depends on one (`if (deployX)`) is possibly
 * true, whatever the default says. This answers the question from the syntax, following parameters
 * (to the caller's argument for a module, to the default for a root), variables and nothing else:
 * loop variables, resource properties and module outputs are not inputs.
 */
import type { Expression } from '../../syntax/bicep/ast.js';

export interface InputLookup {
  /** Names bound around the expression (loop variables, lambda parameters, nested resources). */
  isLocal(name: string): boolean;
  /** Whether the file's parameter of that name depends on a root's input. */
  param(name: string): boolean;
  /** Whether the file's variable of that name depends on a root's input. */
  variable(name: string): boolean;
}

export function dependsOnInput(e: Expression, lookup: InputLookup, bound: ReadonlySet<string> = new Set()): boolean {
  const dep = (x: Expression, b: ReadonlySet<string> = bound): boolean => dependsOnInput(x, lookup, b);
  switch (e.kind) {
    case 'Identifier':
      if (bound.has(e.name) || lookup.isLocal(e.name)) return false;
      return lookup.param(e.name) || lookup.variable(e.name);
    case 'String':
      return e.expressions.some((x) => dep(x));
    case 'Array':
      return e.items.some((x) => dep(x));
    case 'Object':
      return e.properties.some((p) => (p.kind === 'Property' ? dep(p.value) || (p.key.kind === 'String' && dep(p.key)) : p.kind === 'Spread' && dep(p.expression)));
    case 'Member':
    case 'ResourceAccess':
      return dep(e.object);
    case 'Index':
      return dep(e.object) || dep(e.index);
    case 'Call':
      return (e.callee.kind === 'Member' && dep(e.callee.object)) || e.args.some((x) => dep(x));
    case 'Unary':
      return dep(e.operand);
    case 'NonNull':
    case 'Paren':
    case 'Spread':
      return dep(e.expression);
    case 'Binary':
      return dep(e.left) || dep(e.right);
    case 'Ternary':
      return dep(e.condition) || dep(e.consequent) || dep(e.alternate);
    case 'Lambda':
      return dep(e.body, new Set([...bound, ...e.params.map((p) => p.name)]));
    case 'For': {
      const inner = new Set(bound);
      if (e.item) inner.add(e.item.name);
      if (e.index) inner.add(e.index.name);
      return dep(e.iterable) || dep(e.body, inner);
    }
    case 'If':
      return dep(e.condition) || dep(e.body);
    default:
      return false;
  }
}

/** `''` or `null` written as such: the branch a conditional takes when what it guards is absent. */
export function isEmptyLiteral(e: Expression): boolean {
  if (e.kind === 'Paren') return isEmptyLiteral(e.expression);
  return e.kind === 'Null' || (e.kind === 'String' && e.expressions.length === 0 && e.parts.join('') === '');
}

/** A branch of a conditional principal: empty, or a principal (object) ID (`api.identity.principalId`). */
function principalBranch(e: Expression): boolean {
  if (isEmptyLiteral(e)) return true;
  const x = e.kind === 'Paren' || e.kind === 'NonNull' ? e.expression : e;
  return x.kind === 'Member' && /^(principalid|objectid)$/i.test(x.property.name);
}

/**
 * A conditional whose branches are one identity and nothing (`cond ? api.identity.principalId : ''`)
 * or two identities' principal IDs: on a root's input it names what its branches may be, not the
 * branch the default picks.
 */
export function isConditionalPrincipal(a: Expression, b: Expression): boolean {
  return principalBranch(a) && principalBranch(b) && !(isEmptyLiteral(a) && isEmptyLiteral(b));
}

/**
 * Which HCL expressions depend on a root's input. A root's variable defaults are possibilities,
 * not facts (the acceptance contract): `count = var.enable_x ? 1 : 0` is possibly one instance,
 * whatever the default says. This answers from the syntax, following `var.*` (to the caller's
 * argument for a module, to the default for a root) and `local.*`, nothing else: `each`, `count`,
 * resources, data sources and module outputs are not inputs.
 */
import type { Expression, TemplatePart } from '../../syntax/hcl/ast.js';

export interface InputLookup {
  /** Whether `var.<name>` depends on a root's input. */
  variable(name: string): boolean;
  /** Whether `local.<name>` depends on a root's input. */
  local(name: string): boolean;
}

export function dependsOnInput(e: Expression, lookup: InputLookup): boolean {
  const dep = (x: Expression): boolean => dependsOnInput(x, lookup);
  switch (e.kind) {
    case 'GetAttr':
      if (e.object.kind === 'Variable' && e.object.name === 'var') return lookup.variable(e.name);
      if (e.object.kind === 'Variable' && e.object.name === 'local') return lookup.local(e.name);
      return dep(e.object);
    case 'Index':
      return dep(e.object) || dep(e.key);
    case 'Splat':
      return dep(e.object);
    case 'Template':
      return partsDepend(e.parts, lookup);
    case 'Tuple':
      return e.items.some(dep);
    case 'Object':
      return e.items.some((i) => dep(i.value) || (i.key.kind !== 'Variable' && dep(i.key)));
    case 'FunctionCall':
      return e.args.some(dep);
    case 'Conditional':
      return dep(e.condition) || dep(e.trueResult) || dep(e.falseResult);
    case 'Binary':
      return dep(e.left) || dep(e.right);
    case 'Unary':
      return dep(e.operand);
    case 'For':
      return dep(e.collection) || dep(e.value) || (!!e.key && dep(e.key)) || (!!e.condition && dep(e.condition));
    case 'Paren':
      return dep(e.expression);
    default:
      return false;
  }
}

function partsDepend(parts: TemplatePart[], lookup: InputLookup): boolean {
  return parts.some((p) => {
    switch (p.kind) {
      case 'Interpolation':
        return dependsOnInput(p.expression, lookup);
      case 'If':
        return dependsOnInput(p.condition, lookup) || partsDepend(p.then, lookup) || (!!p.else && partsDepend(p.else, lookup));
      case 'For':
        return dependsOnInput(p.collection, lookup) || partsDepend(p.body, lookup);
      default:
        return false;
    }
  });
}

/** `""` or `null` written as such: the branch a conditional takes when what it guards is absent. */
export function isEmptyLiteral(e: Expression): boolean {
  if (e.kind === 'Paren') return isEmptyLiteral(e.expression);
  if (e.kind === 'Literal') return e.value === null || e.value === '';
  return e.kind === 'Template' && e.parts.every((p) => p.kind === 'Text' && p.value === '');
}

/** A branch of a conditional principal: empty, or a principal (object) ID (`x.identity[0].principal_id`). */
function principalBranch(e: Expression): boolean {
  if (isEmptyLiteral(e)) return true;
  const x = e.kind === 'Paren' ? e.expression : e;
  return x.kind === 'GetAttr' && /^(principal_id|object_id)$/.test(x.name);
}

/** One identity and nothing, or two identities' principal IDs (see the Bicep front end's inputs.ts). */
export function isConditionalPrincipal(a: Expression, b: Expression): boolean {
  return principalBranch(a) && principalBranch(b) && !(isEmptyLiteral(a) && isEmptyLiteral(b));
}

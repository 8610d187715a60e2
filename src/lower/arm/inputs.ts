/**
 * Which ARM template values depend on a root's input. A root's parameter defaults are
 * possibilities, not facts (the acceptance contract): a `condition` that depends on one is possibly
 * true, whatever the default says. This answers from the template text, following `parameters()`
 * (to the nested deployment's argument, or to a root's default) and `variables()`, nothing else.
 */
import { parseTemplateString, type ArmExpr } from '../../syntax/arm/expression.js';
import type { JsonNode } from '../../syntax/json/index.js';

export interface InputLookup {
  /** Whether the parameter (lower-cased name) depends on a root's input. */
  param(name: string): boolean;
  /** Whether the variable (lower-cased name) depends on a root's input. */
  variable(name: string): boolean;
}

export function dependsOnInput(node: JsonNode, lookup: InputLookup): boolean {
  switch (node.type) {
    case 'string': {
      const t = parseTemplateString(node.value);
      return t.kind === 'expression' && exprDepends(t.expr, lookup);
    }
    case 'array':
      return node.items.some((x) => dependsOnInput(x, lookup));
    case 'object':
      return node.members.some((m) => dependsOnInput(m.value, lookup));
    default:
      return false;
  }
}

export function exprDepends(e: ArmExpr, lookup: InputLookup): boolean {
  switch (e.kind) {
    case 'call': {
      const fn = e.namespace === undefined ? e.name.toLowerCase() : '';
      const first = e.args[0];
      if ((fn === 'parameters' || fn === 'variables') && first?.kind === 'string') {
        return fn === 'parameters' ? lookup.param(first.value.toLowerCase()) : lookup.variable(first.value.toLowerCase());
      }
      return e.args.some((a) => exprDepends(a, lookup));
    }
    case 'property':
      return exprDepends(e.object, lookup);
    case 'index':
      return exprDepends(e.object, lookup) || exprDepends(e.index, lookup);
    default:
      return false;
  }
}

/** `''` or `null()` written as such: the branch an `if()` takes when what it guards is absent. */
export function isEmptyExpr(e: ArmExpr): boolean {
  return (e.kind === 'string' && e.value === '') || e.kind === 'null' || (e.kind === 'call' && !e.namespace && e.name.toLowerCase() === 'null' && e.args.length === 0);
}

/** A branch of a conditional principal: empty, or a principal (object) ID (`reference(...).identity.principalId`). */
function principalBranch(e: ArmExpr): boolean {
  return isEmptyExpr(e) || (e.kind === 'property' && /^(principalid|objectid)$/i.test(e.name));
}

/** One identity and nothing, or two identities' principal IDs (see the Bicep front end's inputs.ts). */
export function isConditionalPrincipal(a: ArmExpr, b: ArmExpr): boolean {
  return principalBranch(a) && principalBranch(b) && !(isEmptyExpr(a) && isEmptyExpr(b));
}

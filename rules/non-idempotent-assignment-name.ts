import { findCall, missingSeeds, writtenText } from '../src/graph/queries.js';
import { writtenFunctionName } from '../src/graph/written.js';
import { sameValue } from '../src/model/value.js';
import { unwrap, valueKey } from '../src/graph/values.js';
import { equalityKey } from '../src/graph/grant-index.js';
import { deploymentRoot } from '../src/graph/roots.js';
import type { Grant } from '../src/graph/types.js';
import type { Rule, SuggestionDescriptor } from '../src/engine/types.js';
import { canonicalGuidName, removeTerraformName } from '../src/engine/fix/role-assignment.js';
import { writtenArgument } from '../src/graph/dialect.js';

/**
 * A role assignment's name must be a stable function of scope, principal and role. `newGuid()`
 * (or Terraform's `uuid()`) gives a new name every deployment, which then fails with
 * RoleAssignmentExists; a literal name collides across environments; a `guid()` that leaves out
 * one of the three collides with an assignment that differs only in that part. When the analysed
 * files show such a collision (a loop's instances, or another declaration), the message says so.
 */
const rule: Rule = {
  meta: {
    id: 'non-idempotent-assignment-name',
    description: 'A role assignment name is not a stable function of scope, principal and role.',
    severity: 'warning',
    messages: {
      random:
        "The assignment name comes from {{fn}}(), a new value on every deployment: the next run fails with RoleAssignmentExists. Name it guid(<scope id>, <principal id>, <role definition id>).",
      literal:
        "The assignment name is the fixed string {{name}}: it collides in the next environment or subscription. Name it guid(<scope id>, <principal id>, <role definition id>).",
      partialGuid:
        'The assignment name {{name}} leaves out the {{missing}}: an assignment that differs from this one only in its {{missing}} gets the same name, and the two collide. Include scope, principal and role: guid(<scope id>, <principal id>, <role definition id>).',
      partialGuidShared:
        'The assignment name {{name}} leaves out the {{missing}}: {{sharers}} get the same name, and only one of them can be created. Include scope, principal and role: guid(<scope id>, <principal id>, <role definition id>).',
      scriptRandom:
        'The assignment name {{flag}} {{name}} is a new value on every run: the next run fails with RoleAssignmentExists. Leave out {{flag}}: the command then names the assignment itself.',
      scriptLiteral:
        'The assignment name {{flag}} {{name}} is a fixed string: it collides in the next environment or subscription. Leave out {{flag}}: the command then names the assignment itself.',
      duplicate:
        'The assignment name {{name}} is the same as that of {{other}}: one deployment overwrites the other. Include scope, principal and role in the guid() seed.',
      useGuid:
        'Name it {{guid}}. A new name is a new assignment: delete the one already deployed first, or the next deployment fails with RoleAssignmentExists',
      removeName: 'Remove name: Terraform then generates one once and keeps it in state',
    },
    docs: 'docs/rules/non-idempotent-assignment-name.md',
    hasSuggestions: true,
  },
  check(graph, context) {
    const named = graph.grants.filter((g) => g.kind === 'rbac' && g.name);
    const twins = new TwinFinder(named);
    for (const grant of named) {
      const name = unwrap(grant.name)!;
      const written = grant.resource.command ? writtenArgument(grant.resource, '--name', '-n', '-RoleAssignmentName') : undefined;
      if (written) {
        // A script's name: generated (`$(uuidgen)`, `New-Guid`) or typed out; anything else is not judged.
        const messageId = findCall(name, ['newguid', 'uuid']) ? 'scriptRandom' : name.kind === 'string' ? 'scriptLiteral' : undefined;
        if (messageId) context.report({ node: grant, value: grant.name, messageId, data: { flag: written.flag, name: written.text } });
        continue;
      }
      const random = findCall(name, ['newguid', 'uuid', 'utcnow', 'timestamp']);
      if (random) {
        context.report({ node: grant, value: grant.name, messageId: 'random', data: { fn: writtenFunctionName(random, grant.resource.decl.file) }, suggest: stableName(grant) });
        continue;
      }
      if (name.kind === 'string') {
        context.report({ node: grant, value: grant.name, messageId: 'literal', data: { name: `'${name.value}'` }, suggest: stableName(grant) });
        continue;
      }
      if (name.kind === 'call' && name.fn === 'guid') {
        const missing = missingSeeds(grant, name.args);
        if (missing === undefined) continue;
        const written = writtenText(grant.name);
        if (missing.length > 0) {
          const sharers = collidingWith(grant, twins);
          context.report({
            node: grant,
            value: grant.name,
            ...(sharers.length > 0
              ? { messageId: 'partialGuidShared', data: { name: written, missing: missing.join(' and '), sharers: describeSharers(grant, sharers) } }
              : { messageId: 'partialGuid', data: { name: written, missing: missing.join(' and ') } }),
            suggest: stableName(grant),
          });
          continue;
        }
        const twin = twins.of(grant);
        if (twin) {
          context.report({ node: grant, value: grant.name, messageId: 'duplicate', data: { name: written, other: `'${twin.resource.symbol}'` } });
        }
      }
    }
  },
};

function sameName(a: Grant, b: Grant): boolean {
  return sameValue(unwrap(a.name), unwrap(b.name)) && a.resource.deploymentScope.level === b.resource.deploymentScope.level;
}

/**
 * A suggestion, never a fix: renaming a deployed assignment means a new one. Bicep/ARM: the
 * canonical guid() of the assignment's own expressions; azurerm: no name at all.
 */
function stableName(grant: Grant): SuggestionDescriptor[] {
  if (grant.resource.format === 'terraform') return [{ messageId: 'removeName', fix: (fixer) => removeTerraformName(grant, fixer) }];
  return [{ messageId: 'useGuid', data: (edits) => ({ guid: edits.map((e) => e.text).join('').trim() }), fix: (fixer) => canonicalGuidName(grant, fixer)?.edits }];
}

/** What tells two assignments apart: their scope, principal and role. */
function assignmentKey(g: Grant): string | undefined {
  const scope = g.scope.value ? valueKey(unwrap(g.scope.value)) : valueKey(g.resource.deploymentScope);
  const principal = valueKey(unwrap(g.principal.value));
  const role = g.role?.id ?? valueKey(unwrap(g.roleValue));
  if (scope === undefined || principal === undefined || role === undefined) return undefined;
  return `${scope}|${principal}|${role}`;
}

/** Other assignments of the same root deployment shown to get the same name while being different assignments. */
function collidingWith(grant: Grant, twins: TwinFinder): Grant[] {
  const key = assignmentKey(grant);
  if (key === undefined) return [];
  const root = rootOf(grant);
  return twins.sameBucket(grant).filter((other) => {
    if (other === grant || rootOf(other) !== root || !sameName(other, grant)) return false;
    const otherKey = assignmentKey(other);
    return otherKey !== undefined && otherKey !== key;
  });
}

function rootOf(g: Grant): string {
  return (g.resource.callChain[0] ?? g.resource.decl).file;
}

function describeSharers(grant: Grant, sharers: Grant[]): string {
  const others = [...new Set(sharers.filter((s) => s.resource.declKey !== grant.resource.declKey).map((s) => `'${s.resource.symbol}'`))];
  if (others.length === 0) return `its ${sharers.length + 1} instances`;
  return `it and ${others.join(', ')}`;
}

/**
 * Named grants by a hash of (root deployment, deployment level, name), so that the searches for an
 * assignment with the same name look in one bucket instead of at every grant. Separate roots
 * deploy to environments grantlint cannot tell apart (`resourceGroup().id` in one is not that of
 * the other), so a twin is sought in the same root only. A bucket is kept as runs of one
 * declaration: loop instances share their declaration's name and are no twins of each other.
 */
class TwinFinder {
  private readonly buckets = new Map<string, { declKey: string; grants: Grant[] }[]>();
  /** Each grant's bucket, so that a lookup does not key the name again. */
  private readonly bucketOf = new Map<Grant, { declKey: string; grants: Grant[] }[]>();

  constructor(named: Grant[]) {
    for (const g of named) {
      const key = TwinFinder.key(g);
      let runs = this.buckets.get(key);
      if (!runs) this.buckets.set(key, (runs = []));
      this.bucketOf.set(g, runs);
      const last = runs[runs.length - 1];
      if (last?.declKey === g.resource.declKey) last.grants.push(g);
      else runs.push({ declKey: g.resource.declKey, grants: [g] });
    }
  }

  private static key(g: Grant): string {
    return `${deploymentRoot(g.resource)}|${g.resource.deploymentScope.level}|${equalityKey(unwrap(g.name)!)}`;
  }

  /** The first grant of another declaration with the same name (runs are contiguous and in graph order). */
  of(grant: Grant): Grant | undefined {
    for (const run of this.runs(grant)) {
      if (run.declKey === grant.resource.declKey) continue;
      // Hash-equal names are equal but for rare collisions, so the first of a run usually matches.
      const found = run.grants.find((other) => sameName(other, grant));
      if (found) return found;
    }
    return undefined;
  }

  /** Every grant whose name may be the same as this one's, in graph order (confirm with sameName). */
  sameBucket(grant: Grant): Grant[] {
    return this.runs(grant).flatMap((run) => run.grants);
  }

  private runs(grant: Grant): { declKey: string; grants: Grant[] }[] {
    return this.bucketOf.get(grant) ?? this.buckets.get(TwinFinder.key(grant)) ?? [];
  }
}

export default rule;

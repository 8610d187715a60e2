import type { Rule } from '../src/engine/types.js';
import accessNotGranted from './access-not-granted.js';
import ambiguousIdentity from './ambiguous-identity.js';
import broadScope from './broad-scope.js';
import federatedCredential from './federated-credential.js';
import identityIdMismatch from './identity-id-mismatch.js';
import keyvaultAccessModel from './keyvault-access-model.js';
import kubeletAcrPull from './kubelet-acr-pull.js';
import missingPrincipalType from './missing-principal-type.js';
import missingRoleGrant from './missing-role-grant.js';
import nonIdempotentAssignmentName from './non-idempotent-assignment-name.js';
import orphanedIdentity from './orphaned-identity.js';
import privilegedRole from './privileged-role.js';
import roleTargetMismatch from './role-target-mismatch.js';
import slotIdentityDrift from './slot-identity-drift.js';
import unknownRole from './unknown-role.js';

/** The built-in rules, by id. */
export const builtinRules: Rule[] = [
  missingRoleGrant,
  privilegedRole,
  broadScope,
  missingPrincipalType,
  nonIdempotentAssignmentName,
  accessNotGranted,
  roleTargetMismatch,
  keyvaultAccessModel,
  unknownRole,
  ambiguousIdentity,
  identityIdMismatch,
  slotIdentityDrift,
  orphanedIdentity,
  kubeletAcrPull,
  federatedCredential,
];

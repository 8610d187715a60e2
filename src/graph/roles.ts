import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceInstance } from '../model/template.js';
import { packageRoot } from '../util/package-root.js';
import type { PermissionBlock } from './permissions.js';

/**
 * A role definition: a built-in role as the catalog (data/builtin-roles.json, from shared/data)
 * describes it, or a custom role declared in the analysed files
 * (`Microsoft.Authorization/roleDefinitions`, `azurerm_role_definition`).
 */
export interface RoleDefinition {
  /** The definition's GUID, lower case (a custom role's when known, else a key of the declaration). */
  id: string;
  roleName: string;
  category: string | null;
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
  /** Built-in roles whose flat lists lose information: evaluate these blocks instead (permissions.ts). */
  permissionBlocks?: PermissionBlock[];
  /** Declared in the analysed files rather than built in. */
  custom?: boolean;
  /** A custom role's declaration. */
  resource?: ResourceInstance;
  /** False when part of a custom role's permissions is not statically known (then nothing is inferred from them). */
  permissionsKnown?: boolean;
  /**
   * A built-in role's breadth, as the permission model measures it (`catalogBreadths` in
   * permissions.ts), computed once by scripts/build-roles.mjs so that a run need not.
   */
  breadth?: number;
}

/** The file data/builtin-roles.json: the catalog's snapshot date and its roles. */
export interface CatalogFile {
  snapshot: string;
  roles: RoleDefinition[];
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export class RoleCatalog {
  private index?: { roles: RoleDefinition[]; snapshot?: string; byId: Map<string, RoleDefinition>; byName: Map<string, RoleDefinition> };

  constructor(
    /** The roles, or how to read them (data/builtin-roles.json: read at the first question, not before). */
    private readonly source: RoleDefinition[] | (() => CatalogFile),
    private readonly snapshotDate?: string,
  ) {}

  private get indexed(): NonNullable<RoleCatalog['index']> {
    if (!this.index) {
      const { roles, snapshot } = typeof this.source === 'function' ? this.source() : { roles: this.source, snapshot: this.snapshotDate };
      const byId = new Map<string, RoleDefinition>();
      const byName = new Map<string, RoleDefinition>();
      for (const r of roles) {
        byId.set(r.id.toLowerCase(), r);
        byName.set(r.roleName.trim().toLowerCase(), r);
      }
      this.index = { roles, snapshot, byId, byName };
    }
    return this.index;
  }

  /** The date of the catalog's snapshot of Azure's built-in roles (`--version` shows it). */
  get snapshot(): string | undefined {
    return this.indexed.snapshot;
  }

  /** By GUID, or by any string that ends in one (`/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/<guid>`). */
  byGuid(text: string): RoleDefinition | undefined {
    const all = text.match(new RegExp(GUID.source, 'gi'));
    const last = all?.[all.length - 1];
    return last ? this.indexed.byId.get(last.toLowerCase()) : undefined;
  }

  byRoleName(name: string): RoleDefinition | undefined {
    return this.indexed.byName.get(name.trim().toLowerCase());
  }

  /** Like byRoleName, but throws: for names grantlint itself refers to, which must exist. */
  named(name: string): RoleDefinition {
    const role = this.byRoleName(name);
    if (!role) throw new Error(`built-in role '${name}' is not in the catalog`);
    return role;
  }

  get size(): number {
    return this.indexed.byId.size;
  }

  /** Every built-in role, in catalog order (by name). */
  all(): readonly RoleDefinition[] {
    return this.indexed.roles;
  }
}

let catalog: RoleCatalog | undefined;

export function roleCatalog(): RoleCatalog {
  // A run without role assignments never reads the 800 KB file (6 ms of a one-file run).
  catalog ??= new RoleCatalog(() => JSON.parse(readFileSync(join(packageRoot(), 'data', 'builtin-roles.json'), 'utf8')) as CatalogFile);
  return catalog;
}

export function isGuid(text: string): boolean {
  return new RegExp(`^${GUID.source}$`, 'i').test(text);
}

export function findGuid(text: string): string | undefined {
  return text.match(GUID)?.[0]?.toLowerCase();
}

/** The roles that can do anything, or hand out access: what "privileged" means for grantlint. */
export const PRIVILEGED_ROLE_NAMES = [
  'Owner',
  'Contributor',
  'User Access Administrator',
  'Role Based Access Control Administrator',
] as const;

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/package-root.js';

/** A built-in role, as the catalog (data/builtin-roles.json, from shared/data) describes it. */
export interface RoleDefinition {
  id: string;
  roleName: string;
  category: string | null;
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export class RoleCatalog {
  private readonly byId = new Map<string, RoleDefinition>();
  private readonly byName = new Map<string, RoleDefinition>();

  constructor(roles: RoleDefinition[]) {
    for (const r of roles) {
      this.byId.set(r.id.toLowerCase(), r);
      this.byName.set(r.roleName.trim().toLowerCase(), r);
    }
  }

  /** By GUID, or by any string that ends in one (`/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/<guid>`). */
  byGuid(text: string): RoleDefinition | undefined {
    const all = text.match(new RegExp(GUID.source, 'gi'));
    const last = all?.[all.length - 1];
    return last ? this.byId.get(last.toLowerCase()) : undefined;
  }

  byRoleName(name: string): RoleDefinition | undefined {
    return this.byName.get(name.trim().toLowerCase());
  }

  /** Like byRoleName, but throws: for names grantlint itself refers to, which must exist. */
  named(name: string): RoleDefinition {
    const role = this.byRoleName(name);
    if (!role) throw new Error(`built-in role '${name}' is not in the catalog`);
    return role;
  }

  get size(): number {
    return this.byId.size;
  }
}

let catalog: RoleCatalog | undefined;

export function roleCatalog(): RoleCatalog {
  if (!catalog) {
    const file = join(packageRoot(), 'data', 'builtin-roles.json');
    catalog = new RoleCatalog(JSON.parse(readFileSync(file, 'utf8')) as RoleDefinition[]);
  }
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

/**
 * Narrow roles to suggest by the target's ARM resource type (lower case). Names are looked up in
 * the catalog; a test checks each one exists.
 */
export const NARROW_ROLES_BY_TYPE: Record<string, string[]> = {
  'microsoft.keyvault/vaults': ['Key Vault Secrets User'],
  'microsoft.storage/storageaccounts': ['Storage Blob Data Reader', 'Storage Blob Data Contributor'],
  'microsoft.storage/storageaccounts/blobservices/containers': ['Storage Blob Data Reader', 'Storage Blob Data Contributor'],
  'microsoft.storage/storageaccounts/queueservices/queues': ['Storage Queue Data Contributor'],
  'microsoft.containerregistry/registries': ['AcrPull'],
  'microsoft.servicebus/namespaces': ['Azure Service Bus Data Receiver', 'Azure Service Bus Data Sender'],
  'microsoft.eventhub/namespaces': ['Azure Event Hubs Data Receiver', 'Azure Event Hubs Data Sender'],
  'microsoft.appconfiguration/configurationstores': ['App Configuration Data Reader'],
  'microsoft.signalrservice/signalr': ['SignalR App Server'],
  'microsoft.cognitiveservices/accounts': ['Cognitive Services User'],
  'microsoft.search/searchservices': ['Search Index Data Reader'],
  'microsoft.eventgrid/topics': ['EventGrid Data Sender'],
};

export function narrowRolesFor(resourceType: string | undefined): string[] {
  return resourceType ? NARROW_ROLES_BY_TYPE[resourceType.toLowerCase()] ?? [] : [];
}

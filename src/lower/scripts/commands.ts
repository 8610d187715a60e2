/**
 * What the Azure commands of a script do, as template-model instances the graph reads like any
 * other (ARM-shaped, format `script`):
 * - `az role assignment create` and `New-AzRoleAssignment` are `Microsoft.Authorization/roleAssignments`
 *   with the flags as the az CLI and Az.Resources define them: `--assignee` / `--assignee-object-id`
 *   (exactly one), `--assignee-principal-type` (only with the object ID), `--role` by name, GUID or
 *   ID, `--scope`, else `--resource-group`/`-g`, else the subscription; `--name`, `--condition`.
 *   A command the CLI would refuse (both or neither assignee flags, `--scope` with `-g`) grants
 *   nothing.
 * - `az identity create` / `New-AzUserAssignedIdentity` are user-assigned identities; they are
 *   judged only when the script grants or attaches them (otherwise they stay `existing`).
 * - `az <webapp|functionapp|vm|vmss|containerapp> identity assign`, the same services' `create
 *   --assign-identity`, and `az aks create|update --assign-identity` attach identities to a workload
 *   the script does not create (`existing`); `--role R --scope S` grants R on S to the system-assigned
 *   identity (the CLI retries until the identity has replicated: no principal-type race).
 * - `az ad sp create-for-rbac --role R --scopes S...` grants R on each S to a new service principal.
 * - What a command prints (`--query principalId -o tsv`, PowerShell objects and their members) is
 *   a reference to the identity or resource it names, so a grant to `$PRINCIPAL_ID` is a grant to
 *   that identity; `az <service> show --query id` is that resource's ID.
 * An argument that may be several (an unquoted unknown expansion) where a flag's name could be
 * makes the flags unknown: nothing is concluded from a flag being absent.
 */
import type { Location } from '../../model/location.js';
import type { ResourceInstance, ScriptCommand } from '../../model/template.js';
import { getProp, obj, str, unknown, walkValue, type ObjectValue, type ScopeValue, type Value } from '../../model/value.js';
import { valueKey } from '../../graph/values.js';
import type { Arg, CommandCall, CommandHandler } from './evaluate.js';
import { concatValues } from './evaluate.js';

const ROLE_ASSIGNMENT = 'Microsoft.Authorization/roleAssignments';
const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const SITES = 'Microsoft.Web/sites';
const AKS = 'Microsoft.ContainerService/managedClusters';

/** az command groups whose `show` prints a resource of a known type, and the workloads that take identities. */
const AZ_TYPES: Record<string, string> = {
  webapp: SITES,
  functionapp: SITES,
  vm: 'Microsoft.Compute/virtualMachines',
  vmss: 'Microsoft.Compute/virtualMachineScaleSets',
  containerapp: 'Microsoft.App/containerApps',
  'containerapp job': 'Microsoft.App/jobs',
  aks: AKS,
  identity: UAMI,
  keyvault: 'Microsoft.KeyVault/vaults',
  'storage account': 'Microsoft.Storage/storageAccounts',
  acr: 'Microsoft.ContainerRegistry/registries',
  cosmosdb: 'Microsoft.DocumentDB/databaseAccounts',
  'servicebus namespace': 'Microsoft.ServiceBus/namespaces',
  'eventhubs namespace': 'Microsoft.EventHub/namespaces',
  appconfig: 'Microsoft.AppConfiguration/configurationStores',
  'sql server': 'Microsoft.Sql/servers',
  'cognitiveservices account': 'Microsoft.CognitiveServices/accounts',
  'search service': 'Microsoft.Search/searchServices',
  redis: 'Microsoft.Cache/redis',
  'containerapp env': 'Microsoft.App/managedEnvironments',
  'monitor log-analytics workspace': 'Microsoft.OperationalInsights/workspaces',
  'eventgrid topic': 'Microsoft.EventGrid/topics',
  'postgres flexible-server': 'Microsoft.DBforPostgreSQL/flexibleServers',
  'mysql flexible-server': 'Microsoft.DBforMySQL/flexibleServers',
  apim: 'Microsoft.ApiManagement/service',
  'signalr': 'Microsoft.SignalRService/signalR',
};

/** Services whose `identity assign` / `create --assign-identity` attach identities. */
const IDENTITY_SERVICES = new Set(['webapp', 'functionapp', 'vm', 'vmss', 'containerapp']);

/** az flags that take no value. */
const AZ_SWITCHES = new Set(['--only-show-errors', '--debug', '--verbose', '--yes', '-y', '--no-wait', '--system-assigned', '--help', '-h', '--can-delegate', '--force', '--enable-managed-identity', '--assign-identity-none']);

/** az flags that take several values (`--identities a b`). */
const AZ_LISTS = new Set(['--identities', '--assign-identity', '--user-assigned', '--scopes', '--ids', '--tags']);

/** New-AzRoleAssignment's parameters and their aliases, lower case. */
const PS_ROLE_PARAMS: Record<string, string[]> = {
  objectid: ['id', 'principalid'],
  signinname: ['email', 'userprincipalname'],
  applicationid: ['spn', 'serviceprincipalname'],
  objecttype: [],
  roledefinitionname: [],
  roledefinitionid: [],
  scope: [],
  resourcegroupname: [],
  resourcename: [],
  resourcetype: [],
  parentresource: [],
  condition: [],
  conditionversion: [],
  description: [],
  roleassignmentname: [],
  allowdelegation: [],
  skipclientsidescopevalidation: [],
  defaultprofile: [],
};
const PS_SWITCHES = new Set(['allowdelegation', 'skipclientsidescopevalidation', 'whatif', 'confirm', 'passthru', 'force', 'asjob']);

interface Flags {
  /** Command path words (`role assignment create`), lower case. */
  path: string[];
  values: Map<string, Arg[]>;
  /** Flag name as written, by canonical name. */
  written: Map<string, string>;
  /** An argument grantlint cannot place may hold any flag. */
  incomplete: boolean;
}

function literal(a: Arg | undefined): string | undefined {
  return a && a.value.kind === 'string' && !a.spread ? a.value.value : undefined;
}

/** az arguments: the command path, then `--flag value...`, `--flag=value`, `-g value`. */
function parseAz(args: Arg[]): Flags {
  const flags: Flags = { path: [], values: new Map(), written: new Map(), incomplete: false };
  let i = 0;
  while (i < args.length) {
    const t = literal(args[i]);
    if (t === undefined || t.startsWith('-')) break;
    flags.path.push(t.toLowerCase());
    i++;
  }
  let current: string | undefined;
  for (; i < args.length; i++) {
    const a = args[i];
    const t = literal(a);
    if (t !== undefined && /^-[A-Za-z]./.test(t) && !t.startsWith('--')) {
      // `-otsv`, `-gmy-rg`: a short flag with its value glued on, as argparse reads it.
      const name = t.slice(0, 2).toLowerCase();
      if (!flags.values.has(name)) flags.values.set(name, []);
      flags.written.set(name, t.slice(0, 2));
      flags.values.get(name)!.push({ ...a, value: str(t.slice(2), a.at), text: a.text.slice(2) });
      current = undefined;
      continue;
    }
    if (t !== undefined && /^--?[A-Za-z]/.test(t)) {
      const eq = t.indexOf('=');
      const name = (eq > 0 ? t.slice(0, eq) : t).toLowerCase();
      current = AZ_SWITCHES.has(name) ? undefined : name;
      if (!flags.values.has(name)) flags.values.set(name, []);
      flags.written.set(name, eq > 0 ? t.slice(0, eq) : t);
      if (eq > 0) {
        flags.values.get(name)!.push({ ...a, value: str(t.slice(eq + 1), a.at), text: a.text.slice(a.text.indexOf('=') + 1) });
        current = undefined;
      }
      continue;
    }
    if (a.spread && current === undefined) {
      flags.incomplete = true;
      continue;
    }
    if (current !== undefined) {
      flags.values.get(current)!.push(a);
      if (!AZ_LISTS.has(current)) current = undefined;
    } else flags.incomplete = true;
  }
  return flags;
}

/** PowerShell parameters: `-Name value`, switches, unambiguous prefixes and aliases. */
function parsePowerShell(args: Arg[], known: Record<string, string[]>): Flags {
  const flags: Flags = { path: [], values: new Map(), written: new Map(), incomplete: false };
  const resolve = (raw: string): string | undefined => {
    const n = raw.toLowerCase();
    for (const [canonical, aliases] of Object.entries(known)) if (canonical === n || aliases.includes(n)) return canonical;
    const matches = Object.keys(known).filter((k) => k.startsWith(n));
    return matches.length === 1 ? matches[0] : undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const t = literal(a);
    if (t !== undefined && /^-[A-Za-z]/.test(t) && !a.text.startsWith("'") && !a.text.startsWith('"')) {
      const name = resolve(t.slice(1)) ?? t.slice(1).toLowerCase();
      flags.written.set(name, t);
      if (PS_SWITCHES.has(name) || PS_SWITCHES.has(t.slice(1).toLowerCase())) {
        flags.values.set(name, [{ ...a, value: { kind: 'bool', value: true, at: a.at } }]);
        continue;
      }
      const next = args[i + 1];
      if (next) {
        flags.values.set(name, [next]);
        i++;
      }
      continue;
    }
    // A positional argument or a splat grantlint cannot see into.
    flags.incomplete = true;
  }
  return flags;
}

function first(flags: Flags, ...names: string[]): Arg | undefined {
  for (const n of names) {
    const v = flags.values.get(n);
    if (v && v.length > 0) return v[0];
  }
  return undefined;
}

function has(flags: Flags, ...names: string[]): boolean {
  return names.some((n) => flags.values.has(n));
}

/** The lowering of one script: every command's instances, and what their outputs reference. */
export class ScriptLowering implements CommandHandler {
  readonly resources: ResourceInstance[] = [];
  private readonly known = new Map<string, ResourceInstance>();
  /** Identities created by the script (judged only when linked). */
  private readonly created = new Set<ResourceInstance>();

  constructor(
    private readonly rootKey: string,
    /** Module calls that led to the script (a deployment script inside a module). */
    private readonly callChain: Location[] = [],
  ) {}

  run(call: CommandCall): Value | undefined {
    const head = literal(call.args[0]);
    if (head === undefined) return undefined;
    const name = head.toLowerCase().replace(/\.(exe|cmd)$/, '');
    const rest = call.args.slice(1);
    if (name === 'az' || name.endsWith('/az')) return this.az(call, parseAz(rest));
    if (name === 'uuidgen' || name === 'new-guid') return { kind: 'call', fn: 'newguid', args: [], at: call.at };
    if (name === 'cat' && literal(rest[0]) === '/proc/sys/kernel/random/uuid') return { kind: 'call', fn: 'newguid', args: [], at: call.at };
    if (name === 'new-azroleassignment') {
      this.psRoleAssignment(call, parsePowerShell(rest, PS_ROLE_PARAMS));
      return undefined;
    }
    if (name === 'new-azuserassignedidentity' || name === 'get-azuserassignedidentity') {
      const flags = parsePowerShell(rest, { name: [], resourcegroupname: [], subscriptionid: [], location: [] });
      const id = this.resource(UAMI, first(flags, 'name')?.value, first(flags, 'resourcegroupname')?.value, call, 'powershell', name === 'new-azuserassignedidentity' ? 'New-AzUserAssignedIdentity' : 'Get-AzUserAssignedIdentity');
      if (id && name.startsWith('new-')) this.created.add(id);
      return id ? ref(id, [], call.at) : undefined;
    }
    const psWorkload: Record<string, string> = {
      'get-azwebapp': SITES,
      'get-azfunctionapp': SITES,
      'get-azvm': 'Microsoft.Compute/virtualMachines',
      'get-azvmss': 'Microsoft.Compute/virtualMachineScaleSets',
      'get-azcontainerapp': 'Microsoft.App/containerApps',
    };
    if (psWorkload[name]) {
      const flags = parsePowerShell(rest, { name: ['vmname', 'vmscalesetname'], resourcegroupname: [] });
      const r = this.resource(psWorkload[name], first(flags, 'name')?.value, first(flags, 'resourcegroupname')?.value, call, 'powershell', head);
      return r ? ref(r, [], call.at) : undefined;
    }
    const psResources: Record<string, [string, string]> = {
      'get-azresourcegroup': ['resourceGroup', 'name'],
      'get-azkeyvault': ['Microsoft.KeyVault/vaults', 'vaultname'],
      'get-azstorageaccount': ['Microsoft.Storage/storageAccounts', 'name'],
      'get-azcontainerregistry': ['Microsoft.ContainerRegistry/registries', 'name'],
    };
    if (psResources[name]) {
      const [type, nameParam] = psResources[name];
      const flags = parsePowerShell(rest, { [nameParam]: ['name'], resourcegroupname: [] });
      const id = resourceId(type, first(flags, nameParam)?.value, first(flags, 'resourcegroupname')?.value, undefined, call.at);
      return id ? obj([['ResourceId', id], ['Id', id]], call.at) : undefined;
    }
    return undefined;
  }

  /** `$x.PrincipalId`, `(Get-AzWebApp ...).Identity.PrincipalId`, az `--query identity.principalId`. */
  member(value: Value, members: string[], at: Location): Value | undefined {
    const path = members.filter((m) => m !== '()').map((m) => m.toLowerCase());
    if (value.kind === 'call' && value.fn === 'newguid') return path.length <= 1 ? value : undefined;
    if (members.includes('[]')) return undefined;
    if (value.kind === 'object') {
      let cur: Value | undefined = value;
      for (const m of members) cur = getProp(cur, m);
      return cur;
    }
    if (value.kind !== 'ref') return undefined;
    const full = [...value.path.map((p) => String(p).toLowerCase()), ...path].join('.');
    const r = value.resource;
    const type = r.type.toLowerCase();
    if (full === 'id' || full === '') return ref(r, full === '' ? [] : ['id'], at);
    if (full === 'name') return r.name;
    if (type === UAMI.toLowerCase()) {
      const prop = { principalid: 'principalId', clientid: 'clientId', tenantid: 'tenantId', 'properties.principalid': 'principalId', 'properties.clientid': 'clientId' }[full];
      return prop ? ref(r, ['properties', prop], at) : undefined;
    }
    if (['identity.principalid', 'systemassignedidentity', 'identity.systemassignedidentity', 'principalid'].includes(full)) return ref(r, ['identity', 'principalId'], at);
    if (type === AKS.toLowerCase()) {
      const kubelet = /^(?:properties\.)?identityprofile\.kubeletidentity\.(objectid|clientid|resourceid)$/.exec(full);
      if (kubelet) return ref(r, ['properties', 'identityProfile', 'kubeletidentity', { objectid: 'objectId', clientid: 'clientId', resourceid: 'resourceId' }[kubelet[1]]!], at);
    }
    return undefined;
  }

  /** Marks the identities the script created but never granted nor attached as owned elsewhere. */
  finish(): ResourceInstance[] {
    const linked = new Set<ResourceInstance>();
    for (const r of this.resources) {
      const isGrant = r.type === ROLE_ASSIGNMENT;
      const used = isGrant ? getProp(r.body, 'properties') : getProp(r.body, 'identity');
      if (!used) continue;
      walkValue(used, (v) => {
        if (v.kind === 'ref' && this.created.has(v.resource)) linked.add(v.resource);
      });
      const keys = getProp(getProp(r.body, 'identity'), 'userAssignedIdentities');
      if (keys?.kind === 'object') {
        for (const kv of keys.keyValues?.values() ?? []) {
          walkValue(kv, (v) => {
            if (v.kind === 'ref' && this.created.has(v.resource)) linked.add(v.resource);
          });
        }
      }
      const kubelet = getProp(getProp(getProp(r.body, 'properties'), 'identityProfile'), 'kubeletidentity');
      if (kubelet) walkValue(kubelet, (v) => {
        if (v.kind === 'ref' && this.created.has(v.resource)) linked.add(v.resource);
      });
    }
    for (const id of this.created) id.existing = !linked.has(id);
    return this.resources;
  }

  // ---- az ----------------------------------------------------------------------------------------

  private az(call: CommandCall, flags: Flags): Value | undefined {
    const path = flags.path.join(' ');
    let output: Value | undefined;
    if (path === 'role assignment create') this.azRoleAssignment(call, flags);
    else if (path === 'ad sp create-for-rbac') this.azCreateForRbac(call, flags);
    else if (path === 'group show' || path === 'group create') {
      const name = first(flags, '--name', '-n', '--resource-group', '-g')?.value;
      const id = resourceId('resourceGroup', name, undefined, first(flags, '--subscription')?.value, call.at);
      output = id && name ? obj([['id', id], ['name', name]], call.at) : undefined;
    } else if (path === 'identity create' || path === 'identity show') {
      const id = this.resource(UAMI, first(flags, '--name', '-n')?.value, first(flags, '--resource-group', '-g')?.value, call, 'azcli', `az ${path}`);
      if (id && path === 'identity create') this.created.add(id);
      output = id ? ref(id, [], call.at) : undefined;
    } else {
      const m = /^(.+) (identity assign|identity show|create|update|show)$/.exec(path);
      const service = m?.[1];
      const type = service ? AZ_TYPES[service] : undefined;
      if (m && type) output = this.azService(call, flags, service!, type, m[2]);
    }
    return this.azOutput(flags, output, call.at);
  }

  /** What a command prints with `--query Q -o tsv`: the value Q names, when grantlint knows it. */
  private azOutput(flags: Flags, output: Value | undefined, at: Location): Value | undefined {
    if (!output) return undefined;
    const format = literal(first(flags, '--output', '-o'))?.toLowerCase();
    const query = literal(first(flags, '--query'));
    if (format !== 'tsv' || query === undefined) return undefined;
    const q = query.trim().replace(/^["'](.*)["']$/, '$1').replace(/^\[(.*)\]$/, '$1');
    if (!/^[A-Za-z_][\w.]*$/.test(q)) return undefined;
    return this.member(output, q.split('.'), at);
  }

  private azService(call: CommandCall, flags: Flags, service: string, type: string, verb: string): Value | undefined {
    let name = first(flags, '--name', '-n')?.value;
    const rg = first(flags, '--resource-group', '-g')?.value;
    const slot = first(flags, '--slot', '-s')?.value;
    let fullType = type;
    if (slot && type === SITES) {
      fullType = `${SITES}/slots`;
      name = name ? concatValues([name, str('/'), slot], call.at) : undefined;
    }
    if (type !== AKS && !IDENTITY_SERVICES.has(service) && verb !== 'show') return undefined;
    if (verb === 'show' && type !== UAMI && type !== AKS && !IDENTITY_SERVICES.has(service)) {
      // A resource the script reads: its ID and name are all grantlint takes from it.
      const id = resourceId(type, name, rg, first(flags, '--subscription')?.value, call.at);
      return id && name ? obj([['id', id], ['name', name]], call.at) : undefined;
    }
    const r = this.resource(fullType, name, rg, call, 'azcli', `az ${service} ${verb}`);
    if (!r) return undefined;
    if (verb === 'identity assign') this.attach(r, call, flags, identityAssignValues(service, flags), service === 'containerapp' ? has(flags, '--system-assigned') : undefined);
    else if ((verb === 'create' || verb === 'update') && type === AKS) this.attachAks(r, call, flags, verb);
    else if (verb === 'create' && (has(flags, '--assign-identity') || has(flags, '--system-assigned') || has(flags, '--user-assigned'))) {
      const values = service === 'containerapp' ? flags.values.get('--user-assigned') ?? [] : flags.values.get('--assign-identity') ?? [];
      this.attach(r, call, flags, values, service === 'containerapp' ? has(flags, '--system-assigned') : undefined);
    }
    return verb === 'identity assign' || verb === 'identity show' ? ref(r, ['identity'], call.at) : ref(r, [], call.at);
  }

  /**
   * Identities given to a workload: `[system]` (or none at all, for `identity assign`) is the
   * system-assigned one; names and IDs are user-assigned ones, linked to those the script created.
   */
  private attach(r: ResourceInstance, call: CommandCall, flags: Flags, values: Arg[], system: boolean | undefined): void {
    const users: Value[] = [];
    let withSystem = system ?? false;
    if (system === undefined) {
      withSystem = values.length === 0 || values.some((v) => literal(v)?.toLowerCase() === '[system]');
    }
    for (const v of values) {
      if (literal(v)?.toLowerCase() === '[system]') continue;
      users.push(this.userIdentityValue(v, first(flags, '--resource-group', '-g')?.value));
    }
    addIdentities(r, withSystem, users, call.at);
    const role = first(flags, '--role');
    const scope = first(flags, '--scope');
    if (withSystem && role && scope) {
      this.grant(call, {
        dialect: 'azcli',
        command: `az ${flags.path.join(' ')}`,
        principal: ref(r, ['identity', 'principalId'], call.at),
        principalType: str('ServicePrincipal', call.at),
        role: role.value,
        scope: scope.value,
        written: writtenArgs(flags, call),
      });
    }
  }

  private attachAks(r: ResourceInstance, call: CommandCall, flags: Flags, verb: string): void {
    const control = first(flags, '--assign-identity');
    const kubelet = first(flags, '--assign-kubelet-identity');
    const rg = first(flags, '--resource-group', '-g')?.value;
    if (control) addIdentities(r, false, [this.userIdentityValue(control, rg)], call.at);
    else if (verb === 'create' || has(flags, '--enable-managed-identity')) addIdentities(r, true, [], call.at);
    if (kubelet) {
      const props = (getProp(r.body, 'properties') as ObjectValue | undefined) ?? obj([], call.at);
      props.entries.set('identityProfile', obj([['kubeletidentity', obj([['resourceId', this.userIdentityValue(kubelet, rg)]], call.at)]], call.at));
      r.body.entries.set('properties', props);
    }
  }

  /** A user-assigned identity named by a workload flag: one the script created by that name, or the value as given. */
  private userIdentityValue(arg: Arg, rg: Value | undefined): Value {
    const text = literal(arg);
    if (text !== undefined && !text.includes('/')) {
      const found = this.known.get(registryKey(UAMI, str(text), rg)) ?? [...this.known.values()].find((r) => r.type === UAMI && valueKey(r.name) === valueKey(str(text)));
      if (found) return ref(found, ['id'], arg.at);
    }
    return arg.value;
  }

  private azRoleAssignment(call: CommandCall, flags: Flags): void {
    const assignee = first(flags, '--assignee');
    const objectId = first(flags, '--assignee-object-id');
    const principalTypeArg = first(flags, '--assignee-principal-type');
    const scopeArg = first(flags, '--scope');
    const rgArg = first(flags, '--resource-group', '-g');
    const role = first(flags, '--role');
    // What the CLI refuses grants nothing; with arguments grantlint cannot place, a grant it cannot name is not guessed.
    if (!role || (!assignee && !objectId)) return;
    if (!flags.incomplete && ((assignee && objectId) || (principalTypeArg && !objectId) || (scopeArg && rgArg))) return;
    const principal = objectId ?? assignee;
    let principalType: Value | undefined = principalTypeArg?.value;
    const assigneeText = literal(assignee);
    if (!principalType && assigneeText?.includes('@')) principalType = str('User', assignee!.at);
    if (!principalType && flags.incomplete) principalType = unknown(undefined, call.at);
    const sub = first(flags, '--subscription')?.value;
    let scope: Value;
    if (scopeArg) scope = scopeArg.value;
    else if (rgArg) scope = resourceId('resourceGroup', rgArg.value, undefined, sub, rgArg.at)!;
    else if (flags.incomplete) scope = unknown(undefined, call.at);
    else scope = subscriptionId(sub, call.at);
    this.grant(call, {
      dialect: 'azcli',
      command: 'az role assignment create',
      principal: principal?.value ?? unknown(undefined, call.at),
      principalType,
      role: role?.value ?? unknown(undefined, call.at),
      scope,
      name: first(flags, '--name', '-n')?.value,
      condition: first(flags, '--condition')?.value,
      written: writtenArgs(flags, call),
    });
  }

  private azCreateForRbac(call: CommandCall, flags: Flags): void {
    const role = first(flags, '--role');
    const scopes = flags.values.get('--scopes') ?? [];
    if (!role || scopes.length === 0) return;
    const sp: ResourceInstance = this.instance(call, {
      type: 'Microsoft.Graph/servicePrincipals',
      symbol: `${literal(first(flags, '--name', '-n', '--display-name')) ? `'${literal(first(flags, '--name', '-n', '--display-name'))}', ` : ''}the service principal az ad sp create-for-rbac creates`,
      name: first(flags, '--name', '-n', '--display-name')?.value,
      existing: true,
      dialect: 'azcli',
      command: 'az ad sp create-for-rbac',
      keySuffix: '#sp',
    });
    scopes.forEach((scope, i) => {
      this.grant(call, {
        dialect: 'azcli',
        command: 'az ad sp create-for-rbac',
        // No origin of its own: messages name the principal by the instance's symbol.
        principal: { kind: 'ref', resource: sp, path: [] },
        principalType: str('ServicePrincipal', call.at),
        role: role.value,
        scope: scope.value,
        written: writtenArgs(flags, call),
        keySuffix: scopes.length > 1 ? `#${i}` : '',
      });
    });
  }

  // ---- PowerShell ----------------------------------------------------------------------------------

  private psRoleAssignment(call: CommandCall, flags: Flags): void {
    const objectId = first(flags, 'objectid');
    const signIn = first(flags, 'signinname');
    const app = first(flags, 'applicationid');
    const principal = objectId ?? signIn ?? app;
    const role = first(flags, 'roledefinitionname', 'roledefinitionid');
    if (!principal || !role) return;
    let principalType: Value | undefined = objectId ? first(flags, 'objecttype')?.value : undefined;
    if (signIn) principalType = str('User', signIn.at);
    if (!principalType && flags.incomplete) principalType = unknown(undefined, call.at);
    const rg = first(flags, 'resourcegroupname')?.value;
    const resourceName = first(flags, 'resourcename')?.value;
    const resourceType = first(flags, 'resourcetype')?.value;
    const parent = first(flags, 'parentresource')?.value;
    let scope: Value;
    const scopeArg = first(flags, 'scope');
    if (scopeArg) scope = scopeArg.value;
    else if (rg && resourceName && resourceType) {
      const sub = unknown('az:subscription', call.at, { kind: 'external', name: 'subscription' });
      const parts: Value[] = [str('/subscriptions/'), sub, str('/resourceGroups/'), rg, str('/providers/'), resourceType, str('/')];
      if (parent) parts.push(parent, str('/'));
      parts.push(resourceName);
      scope = concatValues(parts, call.at);
    } else if (rg) scope = resourceId('resourceGroup', rg, undefined, undefined, call.at)!;
    else if (flags.incomplete) scope = unknown(undefined, call.at);
    else scope = subscriptionId(undefined, call.at);
    this.grant(call, {
      dialect: 'powershell',
      command: 'New-AzRoleAssignment',
      principal: principal?.value ?? unknown(undefined, call.at),
      principalType,
      role: role?.value ?? unknown(undefined, call.at),
      scope,
      name: first(flags, 'roleassignmentname')?.value,
      condition: first(flags, 'condition')?.value,
      written: writtenArgs(flags, call),
    });
  }

  // ---- instances -----------------------------------------------------------------------------------

  private grant(
    call: CommandCall,
    g: {
      dialect: ScriptCommand['dialect'];
      command: string;
      principal: Value;
      principalType?: Value;
      role: Value;
      scope: Value;
      name?: Value;
      condition?: Value;
      written: Record<string, string>;
      keySuffix?: string;
    },
  ): void {
    const props: [string, Value][] = [
      ['principalId', g.principal],
      ['roleDefinitionId', g.role],
    ];
    if (g.principalType) props.push(['principalType', g.principalType]);
    if (g.condition) props.push(['condition', g.condition]);
    const body = obj([['properties', obj(props, call.at)]], call.at);
    const r = this.instance(call, { type: ROLE_ASSIGNMENT, symbol: g.command, existing: false, dialect: g.dialect, command: g.command, keySuffix: g.keySuffix ?? '', written: g.written, body });
    r.scope = g.scope;
    if (g.name) {
      r.name = g.name;
      body.entries.set('name', g.name);
    }
  }

  /** The instance for a resource the script names (one per type, resource group and name). */
  private resource(type: string, name: Value | undefined, rg: Value | undefined, call: CommandCall, dialect: ScriptCommand['dialect'], command: string): ResourceInstance | undefined {
    if (!name) return undefined;
    const key = registryKey(type, name, rg);
    const found = this.known.get(key);
    if (found) return found;
    const symbol = name.kind === 'string' ? name.value : call.args.find((a) => a.value === name)?.text ?? 'resource';
    const r = this.instance(call, { type, symbol, name, existing: true, dialect, command, keySuffix: `#${type}` });
    r.key = `${this.rootKey}|${key}`;
    r.declKey = r.key;
    if (rg) r.deploymentScope = { kind: 'scope', level: 'resourceGroup', current: false, name: rg, path: [] };
    if (type === SITES || type === `${SITES}/slots`) {
      // The app's settings are not in the script: they are unknown, not empty.
      r.body.entries.set('properties', obj([['siteConfig', obj([['appSettings', unknown(undefined, call.at)]])]]));
    } else if (type === 'Microsoft.App/containerApps') {
      r.body.entries.set('properties', obj([['template', obj([['containers', { kind: 'array', items: [obj([['env', unknown(undefined, call.at)]])] }]])]]));
    }
    this.known.set(key, r);
    return r;
  }

  private instance(
    call: CommandCall,
    o: { type: string; symbol: string; name?: Value; existing: boolean; dialect: ScriptCommand['dialect']; command: string; keySuffix: string; written?: Record<string, string>; body?: ObjectValue },
  ): ResourceInstance {
    const body = o.body ?? obj([], call.at);
    if (o.name && !body.entries.has('name')) body.entries.set('name', o.name);
    const subscription: ScopeValue = { kind: 'scope', level: 'subscription', current: true, path: [] };
    const r: ResourceInstance = {
      key: `${call.key}${o.keySuffix}`,
      declKey: `${call.declKey}${o.keySuffix}`,
      format: 'script',
      type: o.type,
      symbol: o.symbol,
      existing: o.existing,
      decl: call.at,
      body,
      deploymentScope: subscription,
      callChain: this.callChain,
      command: { dialect: o.dialect, name: o.command, args: o.written ?? {} },
    };
    if (o.name) r.name = o.name;
    this.resources.push(r);
    return r;
  }
}

function identityAssignValues(service: string, flags: Flags): Arg[] {
  if (service === 'containerapp') return flags.values.get('--user-assigned') ?? flags.values.get('--identities') ?? [];
  return flags.values.get('--identities') ?? [];
}

/** Adds identities to a workload instance's `identity` (several commands may add to one workload). */
function addIdentities(r: ResourceInstance, system: boolean, users: Value[], at: Location): void {
  const current = getProp(r.body, 'identity') as ObjectValue | undefined;
  const type = current?.entries.get('type');
  const had = type?.kind === 'string' ? type.value.toLowerCase() : '';
  const hasSystem = system || had.includes('systemassigned');
  const map = (getProp(current, 'userAssignedIdentities') as ObjectValue | undefined) ?? obj([], at);
  for (const u of users) {
    const k = u.kind === 'string' ? u.value : `${u.kind}:${map.entries.size}`;
    map.entries.set(k, obj([], u.at));
    if (u.kind !== 'string') (map.keyValues ??= new Map()).set(k, u);
  }
  const hasUser = map.entries.size > 0;
  const kinds = [hasSystem ? 'SystemAssigned' : '', hasUser ? 'UserAssigned' : ''].filter(Boolean).join(', ');
  if (!kinds) return;
  const identity = obj([['type', str(kinds, at)]], at);
  if (hasUser) identity.entries.set('userAssignedIdentities', map);
  r.body.entries.set('identity', identity);
}

function ref(resource: ResourceInstance, path: string[], at: Location): Value {
  return { kind: 'ref', resource, path, at };
}

function registryKey(type: string, name: Value, rg: Value | undefined): string {
  return `${type.toLowerCase()}|${rg ? valueKey(rg) ?? `?${rg.at?.range.start.line}` : '?'}|${valueKey(name) ?? `?${name.at?.range.start.line}:${name.at?.range.start.column}`}`;
}

/** `/subscriptions/<sub>`, with the subscription the CLI is logged in to when not given. */
function subscriptionId(sub: Value | undefined, at: Location): Value {
  return concatValues([str('/subscriptions/'), sub ?? unknown('az:subscription', at, { kind: 'external', name: 'subscription' })], at);
}

/** The resource ID of a resource the script names, its subscription (and resource group) possibly unknown. */
function resourceId(type: string, name: Value | undefined, rg: Value | undefined, sub: Value | undefined, at: Location): Value | undefined {
  if (!name) return undefined;
  const subscription = subscriptionId(sub, at);
  if (type === 'resourceGroup') return concatValues([subscription, str('/resourceGroups/'), name], at);
  const group = rg ?? unknown(undefined, at, { kind: 'external', name: 'resource group' });
  return concatValues([subscription, str('/resourceGroups/'), group, str(`/providers/${type}/`), name], at);
}

/** Each flag's value as written, by the flag as written (for messages in the script's language). */
function writtenArgs(flags: Flags, call: CommandCall): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of flags.values) {
    const flag = flags.written.get(name) ?? name;
    out[flag] = values.map((v) => v.text).join(' ');
  }
  void call;
  return out;
}

/**
 * The settings and environment variables of a workload, in every form the formats write them:
 * - App Service and Functions apps and slots (ARM/Bicep/azapi): `properties.siteConfig.appSettings`
 *   (`[{ name, value }]`) and the child `Microsoft.Web/sites/config` (or `sites/slots/config`) named
 *   `appsettings`, whose `properties` map names to values;
 * - Container Apps and Container Apps jobs: `properties.template.containers[].env[]` (and
 *   `initContainers`) with `name` and `value` or `secretRef`;
 * - container groups: `properties.containers[].properties.environmentVariables[]` with `name` and
 *   `value` or `secureValue`;
 * - azurerm apps and slots: the `app_settings` map; `azurerm_container_app(_job)`:
 *   `template { container { env { name, value, secret_name } } }`; `azurerm_container_group`:
 *   `container { environment_variables, secure_environment_variables }`.
 * What cannot be read (settings from a parameter, a merge with an unknown, an entry whose name is
 * not known) makes the settings incomplete: rules that reason about a setting's absence must not
 * fire then.
 */
import type { Location } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, type Value } from '../model/value.js';
import { azapiArmType } from './azurerm-types.js';
import { unwrap } from './values.js';

export interface Setting {
  /** As written (`AZURE_CLIENT_ID`); look settings up with `findSetting`, which ignores case. */
  name: string;
  value: Value;
  /** Where the entry is written. */
  at: Location;
  /** The container it belongs to, for per-container environment variables. */
  container?: string;
  /** Set from a secret (`secretRef`, `secureValue`, `secret_name`): the value is not in the template. */
  secret?: boolean;
  /** The declaration it is written in, when that is not the workload itself (a `sites/config` child). */
  declaredIn?: ResourceInstance;
}

export interface WorkloadSettings {
  entries: Setting[];
  /** False when some settings cannot be seen (a parameter, a merge with an unknown). */
  complete: boolean;
}

export function findSetting(settings: WorkloadSettings | undefined, name: string): Setting | undefined {
  const lower = name.toLowerCase();
  return settings?.entries.find((s) => s.name.toLowerCase() === lower);
}

const SITE_TYPES = new Set(['microsoft.web/sites', 'microsoft.web/sites/slots']);
const CONTAINER_APP_TYPES = new Set(['microsoft.app/containerapps', 'microsoft.app/jobs']);
const CONTAINER_GROUP = 'microsoft.containerinstance/containergroups';
const CONFIG_TYPES = new Set(['microsoft.web/sites/config', 'microsoft.web/sites/slots/config']);

const AZURERM_APP_SETTINGS = /^azurerm_(?:(?:linux|windows)_(?:web|function)_app(?:_slot)?|function_app(?:_slot)?|app_service(?:_slot)?|logic_app_standard|function_app_flex_consumption)$/;

class Collector {
  readonly entries: Setting[] = [];
  complete = true;

  constructor(private readonly fallback: Location) {}

  add(name: Value | string | undefined, value: Value | undefined, at: Location | undefined, extra: Partial<Setting> = {}): void {
    const n = typeof name === 'string' ? name : asString(unwrap(name));
    if (n === undefined) {
      this.complete = false;
      return;
    }
    this.entries.push({ name: n, value: value ?? { kind: 'null' }, at: at ?? value?.at ?? this.fallback, ...extra });
  }

  /** A `{ NAME: value }` map (azurerm `app_settings`, ARM `appsettings` properties). */
  map(v: Value | undefined, extra: Partial<Setting> = {}): void {
    const u = unwrap(v);
    if (!u || u.kind === 'null') return;
    if (u.kind !== 'object') {
      this.complete = false;
      return;
    }
    for (const [k, value] of u.entries) {
      const key = u.keyValues?.get(k);
      this.add(key ?? k, value, value.at ?? u.at, extra);
    }
  }

  /** A `[{ name, value }]` list; `valueKeys` are the properties that can carry the value. */
  list(v: Value | undefined, valueKeys: string[], secretKeys: string[], extra: Partial<Setting> = {}): void {
    const u = unwrap(v);
    if (!u || u.kind === 'null') return;
    if (u.kind !== 'array') {
      this.complete = false;
      return;
    }
    for (const item of u.items) {
      const entry = unwrap(item);
      if (!entry || entry.kind !== 'object') {
        this.complete = false;
        continue;
      }
      const secret = secretKeys.map((k) => getProp(entry, k)).find((x) => x && x.kind !== 'null');
      const value = secret ?? valueKeys.map((k) => getProp(entry, k)).find((x) => x !== undefined);
      this.add(getProp(entry, 'name'), value, entry.at, secret ? { ...extra, secret: true } : extra);
    }
  }
}

function listOf(v: Value | undefined): Value[] {
  const u = unwrap(v);
  if (!u || u.kind === 'null') return [];
  return u.kind === 'array' ? u.items : [u];
}

/** The ARM type of a resource in ARM-shaped formats or azapi, lower case; and its ARM-shaped body. */
export function armView(r: ResourceInstance): { type: string; body: Value } | undefined {
  if (r.format !== 'terraform') return { type: r.type.toLowerCase(), body: r.body };
  if (r.type !== 'azapi_resource') return undefined;
  const type = azapiArmType(asString(getProp(r.body, 'type')))?.toLowerCase();
  return type ? { type, body: getProp(r.body, 'body') ?? { kind: 'unknown' } } : undefined;
}

function armSettings(type: string, body: Value, out: Collector): boolean {
  if (SITE_TYPES.has(type)) {
    out.list(getPath(body, ['properties', 'siteConfig', 'appSettings']), ['value'], []);
    return true;
  }
  if (CONTAINER_APP_TYPES.has(type)) {
    const template = getPath(body, ['properties', 'template']) ?? getPath(body, ['properties', 'jobTemplate']);
    for (const key of ['containers', 'initContainers']) {
      for (const c of listOf(getProp(template, key))) {
        const container = asString(unwrap(getProp(c, 'name')));
        out.list(getProp(c, 'env'), ['value'], ['secretRef'], container ? { container } : {});
      }
    }
    return true;
  }
  if (type === CONTAINER_GROUP) {
    for (const c of listOf(getPath(body, ['properties', 'containers']))) {
      const container = asString(unwrap(getProp(c, 'name')));
      out.list(getPath(c, ['properties', 'environmentVariables']), ['value'], ['secureValue'], container ? { container } : {});
    }
    return true;
  }
  return false;
}

function azurermSettings(r: ResourceInstance, out: Collector): boolean {
  if (AZURERM_APP_SETTINGS.test(r.type)) {
    out.map(getProp(r.body, 'app_settings'));
    return true;
  }
  if (r.type === 'azurerm_container_app' || r.type === 'azurerm_container_app_job') {
    for (const template of listOf(getProp(r.body, 'template'))) {
      for (const key of ['container', 'init_container']) {
        for (const c of listOf(getProp(template, key))) {
          const container = asString(unwrap(getProp(c, 'name')));
          out.list(getProp(c, 'env'), ['value'], ['secret_name'], container ? { container } : {});
        }
      }
    }
    return true;
  }
  if (r.type === 'azurerm_container_group') {
    for (const c of listOf(getProp(r.body, 'container'))) {
      const container = asString(unwrap(getProp(c, 'name')));
      const extra = container ? { container } : {};
      out.map(getProp(c, 'environment_variables'), extra);
      out.map(getProp(c, 'secure_environment_variables'), { ...extra, secret: true });
    }
    return true;
  }
  return false;
}

/**
 * `Microsoft.Web/sites/config` named `appsettings` (`site/appsettings`, or `appsettings` under a
 * parent), whose properties are the settings, or named `web`, whose `properties.appSettings` is a list.
 */
export function configKind(r: ResourceInstance): 'appsettings' | 'web' | undefined {
  const view = armView(r);
  if (!view || !CONFIG_TYPES.has(view.type)) return undefined;
  const name = asString(unwrap(r.name)) ?? asString(unwrap(getProp(view.body, 'name')));
  const last = name?.split('/').pop()?.toLowerCase();
  return last === 'appsettings' || last === 'web' ? last : undefined;
}

/** The app (or slot) a config resource belongs to: its parent, else the declared site its name starts with. */
export function configOwner(config: ResourceInstance, sites: ResourceInstance[]): ResourceInstance | undefined {
  if (config.parent) return config.parent;
  const segments = (asString(unwrap(config.name)) ?? '').split('/').slice(0, -1).map((s) => s.toLowerCase());
  if (segments.length === 0) return undefined;
  const root = config.callChain[0]?.file ?? config.decl.file;
  return sites.find((s) => {
    const own = (asString(unwrap(s.name)) ?? '').toLowerCase().split('/');
    return (s.callChain[0]?.file ?? s.decl.file) === root && own.length === segments.length && own.every((x, i) => x === segments[i]);
  });
}

/** A site's full name (`app`, `app/slot`), lower case: its own name under its parent's. */
function fullName(r: ResourceInstance): string | undefined {
  const own = asString(unwrap(r.name)) ?? asString(unwrap(getProp(armView(r)?.body, 'name')));
  if (own === undefined) return undefined;
  if (!r.parent || own.includes('/')) return own.toLowerCase();
  const parent = fullName(r.parent);
  return parent === undefined ? undefined : `${parent}/${own.toLowerCase()}`;
}

function rootFile(r: ResourceInstance): string {
  return (r.callChain[0] ?? r.decl).file;
}

/**
 * The sites declared here (not `existing`) that an `existing` site may be, in the same root
 * deployment and of the same type: those of its name, or, when its name is unknown (`name`
 * undefined), every one.
 */
function declaredTwins(existing: ResourceInstance, sites: ResourceInstance[], name: string | undefined): ResourceInstance[] {
  const type = armView(existing)?.type;
  return sites.filter((s) => !s.existing && s !== existing && armView(s)?.type === type && rootFile(s) === rootFile(existing) && (name === undefined || fullName(s) === name));
}

/**
 * Whose settings a config resource writes: its owner's; for an owner read as `existing` (a config
 * module's `existing` app, as Azure Verified Modules write it), also those of the site declared
 * here under that name, the same app. An `existing` owner whose name is unknown may be any
 * declared site: their settings are incomplete.
 */
function configTargets(owner: ResourceInstance, sites: ResourceInstance[]): (ResourceInstance | 'incomplete')[] {
  if (!owner.existing) return [owner];
  const name = fullName(owner);
  if (name === undefined) return [owner, 'incomplete'];
  return [owner, ...declaredTwins(owner, sites, name)];
}

/**
 * The settings of every resource that can have them, by resource key. Resources of other types
 * have none (not an empty, complete set: they are not in the map).
 */
export function collectSettings(resources: ResourceInstance[]): Map<string, WorkloadSettings> {
  const collectors = new Map<string, Collector>();
  const sites: ResourceInstance[] = [];
  for (const r of resources) {
    const out = new Collector(r.decl);
    const view = armView(r);
    const has = view ? armSettings(view.type, view.body, out) : azurermSettings(r, out);
    if (!has) continue;
    collectors.set(r.key, out);
    if (view && SITE_TYPES.has(view.type)) sites.push(r);
  }
  for (const r of resources) {
    const kind = configKind(r);
    if (!kind) continue;
    const owner = configOwner(r, sites);
    if (!owner) continue;
    const view = armView(r)!;
    for (const target of configTargets(owner, sites)) {
      if (target === 'incomplete') {
        for (const s of declaredTwins(owner, sites, undefined)) {
          const c = collectors.get(s.key);
          if (c) c.complete = false;
        }
        continue;
      }
      const out = collectors.get(target.key);
      if (!out) continue;
      if (kind === 'appsettings') out.map(getProp(view.body, 'properties'), { declaredIn: r });
      else out.list(getPath(view.body, ['properties', 'appSettings']), ['value'], [], { declaredIn: r });
    }
  }
  const result = new Map<string, WorkloadSettings>();
  for (const [key, c] of collectors) result.set(key, { entries: c.entries, complete: c.complete });
  return result;
}

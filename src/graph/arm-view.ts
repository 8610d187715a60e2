/**
 * One way to ask what Azure resource an instance declares, whatever the format: its ARM type, and
 * its body in ARM's shape when it has one (Bicep, ARM JSON, azapi `body`).
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getProp, type Value } from '../model/value.js';
import { armTypeOf, azapiArmType } from './azurerm-types.js';

/** The ARM type of the resource, lower case: its own (Bicep, ARM, azapi) or the one an azurerm type manages. */
export function armTypeOfResource(r: ResourceInstance): string | undefined {
  if (r.format !== 'terraform') return r.type.toLowerCase();
  if (r.type === 'azapi_resource' || r.type === 'azapi_update_resource') return azapiArmType(asString(getProp(r.body, 'type')))?.toLowerCase();
  return armTypeOf(r.type)?.toLowerCase();
}

/** The resource's ARM type (lower case) and ARM-shaped body; undefined for azurerm and other Terraform resources. */
export function armView(r: ResourceInstance): { type: string; body: Value } | undefined {
  if (r.format !== 'terraform') return { type: r.type.toLowerCase(), body: r.body };
  if (r.type !== 'azapi_resource') return undefined;
  const type = azapiArmType(asString(getProp(r.body, 'type')))?.toLowerCase();
  return type ? { type, body: getProp(r.body, 'body') ?? { kind: 'unknown' } } : undefined;
}

/** A path into an azapi resource's attributes reads its ARM body through `output.` (or `body.`). */
export function armAttributePath(r: ResourceInstance, lowerPath: string): string {
  if (r.type !== 'azapi_resource') return lowerPath;
  return lowerPath.replace(/^(?:output|body)\./, '');
}

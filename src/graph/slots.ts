/**
 * Deployment slots and their production apps: a slot's access is judged against its production
 * app's (slot-identity-drift), so rules about single uses leave slots of declared apps alone.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getProp } from '../model/value.js';
import type { IdentityGraph } from './types.js';
import { unwrap } from './values.js';

/** Is the resource a slot (`Microsoft.Web/sites/slots`, azurerm `*_slot`) of an app declared here? */
export function isSlotOfDeclaredApp(r: ResourceInstance, graph: IdentityGraph): boolean {
  if (r.format === 'terraform') {
    if (!r.type.endsWith('_slot')) return false;
    const app = unwrap(getProp(r.body, 'app_service_id') ?? getProp(r.body, 'function_app_id'));
    return app?.kind === 'ref';
  }
  if (r.type.toLowerCase() !== 'microsoft.web/sites/slots') return false;
  if (r.parent) return true;
  const app = asString(unwrap(r.name))?.split('/')[0]?.toLowerCase();
  return !!app && graph.resources.some((x) => x.type.toLowerCase() === 'microsoft.web/sites' && asString(unwrap(x.name))?.toLowerCase() === app);
}

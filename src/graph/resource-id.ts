/**
 * The shape of an Azure resource ID written as a string, or as a string with unknown parts
 * (`"/subscriptions/${var.sub}"`, ARM `concat('/subscriptions/', parameters('sub'))`): which kind of
 * scope it names and, for a resource, its type. A part that is unknown is assumed not to contain a
 * slash, so a string whose shape is known keeps its kind when parts of it are unknown.
 */
import { describeValue, type Value } from '../model/value.js';
import type { ScopeFacts } from './shape.js';

interface Segment {
  text: string;
  known: boolean;
}

/** Splits a string or concat value on '/', marking the segments that hold unknown parts. */
function segmentsOf(value: Value): { segments: Segment[]; leadingUnknown: boolean } | undefined {
  let parts: Value[];
  if (value.kind === 'string') parts = [value];
  else if (value.kind === 'concat') parts = value.parts;
  else return undefined;
  const segments: Segment[] = [{ text: '', known: true }];
  let leadingUnknown = false;
  parts.forEach((p, i) => {
    if (p.kind === 'string') {
      const pieces = p.value.split('/');
      pieces.forEach((piece, j) => {
        if (j > 0) segments.push({ text: '', known: true });
        segments[segments.length - 1].text += piece;
      });
      return;
    }
    if (i === 0) leadingUnknown = true;
    const last = segments[segments.length - 1];
    last.text += `\${${describeValue(p)}}`;
    last.known = false;
  });
  return { segments, leadingUnknown };
}

function eq(s: Segment | undefined, word: string): boolean {
  return !!s && s.known && s.text.toLowerCase() === word.toLowerCase();
}

function label(s: Segment | undefined): string | undefined {
  return s && s.text !== '' ? s.text : undefined;
}

/** `providers/NS/type/name[/type/name...]` from index i: the resource type and its names. */
function providerSection(segs: Segment[], i: number): { type: string; names: string[]; end: number } | undefined {
  if (!eq(segs[i], 'providers')) return undefined;
  const ns = segs[i + 1];
  if (!ns || !ns.known || !/^[A-Za-z][\w-]*(\.[\w-]+)+$/.test(ns.text)) return undefined;
  const types = [ns.text];
  const names: string[] = [];
  let j = i + 2;
  while (j + 1 < segs.length && !eq(segs[j], 'providers')) {
    if (!segs[j].known) return undefined;
    types.push(segs[j].text);
    names.push(segs[j + 1].text);
    j += 2;
  }
  if (types.length < 2) return undefined;
  return { type: types.join('/'), names, end: j };
}

/** The last provider section of an ID (an extension resource's type), from index i. */
function resourceFrom(segs: Segment[], i: number): ScopeFacts | undefined {
  let section = providerSection(segs, i);
  if (!section) return undefined;
  for (;;) {
    if (section.end >= segs.length) break;
    const next = providerSection(segs, section.end);
    if (!next) return undefined;
    section = next;
  }
  const facts: ScopeFacts = { kind: 'resource', resourceType: section.type };
  const name = section.names.filter((n) => n !== '').join('/');
  if (name) facts.label = name;
  return facts;
}

function withLabel(facts: ScopeFacts, s: Segment | undefined): ScopeFacts {
  const l = label(s);
  if (l) facts.label = l;
  return facts;
}

/**
 * What a resource ID names: `/subscriptions/x` a subscription, `/subscriptions/x/resourceGroups/y` a
 * resource group, `.../providers/A.B/t/n` a resource of type `A.B/t`, and
 * `/providers/Microsoft.Management/managementGroups/x` a management group. Undefined when the value
 * does not have the shape of a resource ID.
 */
export function parseResourceIdShape(value: Value): ScopeFacts | undefined {
  const split = segmentsOf(value);
  if (!split) return undefined;
  let segs = split.segments;
  if (segs.length < 2) return undefined;
  if (segs.length > 1 && segs[segs.length - 1].text === '' && segs[segs.length - 1].known) segs = segs.slice(0, -1);
  if (split.leadingUnknown || !eq(segs[0], '')) return suffixShape(segs);
  // Absolute: ['', 'subscriptions', x, ...]
  if (eq(segs[1], 'subscriptions')) {
    if (!segs[2]) return undefined;
    if (segs.length === 3) return withLabel({ kind: 'subscription' }, segs[2]);
    if (eq(segs[3], 'resourceGroups') || eq(segs[3], 'resourcegroups')) {
      if (!segs[4]) return undefined;
      if (segs.length === 5) return withLabel({ kind: 'resourceGroup' }, segs[4]);
      return resourceFrom(segs, 5);
    }
    return resourceFrom(segs, 3);
  }
  if (eq(segs[1], 'providers')) {
    if (eq(segs[2], 'Microsoft.Management') && eq(segs[3], 'managementGroups') && segs[4]) {
      if (segs.length === 5) return withLabel({ kind: 'managementGroup' }, segs[4]);
      return resourceFrom(segs, 5);
    }
    return resourceFrom(segs, 1);
  }
  if (segs.length === 1 || (segs.length === 2 && segs[1].text === '')) return { kind: 'tenant' };
  return undefined;
}

/**
 * An ID that starts with an unknown (`"${var.rg_id}/providers/Microsoft.KeyVault/vaults/kv"`): what
 * its known tail says, when the tail is a provider section or a resource group / subscription segment.
 */
function suffixShape(segs: Segment[]): ScopeFacts | undefined {
  for (let i = segs.length - 1; i >= 1; i--) {
    if (eq(segs[i], 'providers')) {
      if (eq(segs[i + 1], 'Microsoft.Management') && eq(segs[i + 2], 'managementGroups') && segs.length === i + 4) {
        return withLabel({ kind: 'managementGroup' }, segs[i + 3]);
      }
      const r = resourceFrom(segs, i);
      if (r) return r;
    }
  }
  if (segs.length >= 3 && (eq(segs[segs.length - 2], 'resourceGroups') || eq(segs[segs.length - 2], 'resourcegroups'))) {
    return withLabel({ kind: 'resourceGroup' }, segs[segs.length - 1]);
  }
  if (segs.length >= 3 && eq(segs[segs.length - 2], 'subscriptions')) return withLabel({ kind: 'subscription' }, segs[segs.length - 1]);
  return undefined;
}

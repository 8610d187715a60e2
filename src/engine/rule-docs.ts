import type { RuleMeta } from './types.js';

export const META_BEGIN = '<!-- begin generated from rule metadata -->';
export const META_END = '<!-- end generated from rule metadata -->';

/** The header of a rule's doc page, derived from its metadata (never written by hand). */
export function renderDocHeader(meta: RuleMeta): string {
  return [
    META_BEGIN,
    `# ${meta.id}`,
    '',
    `> ${meta.description}`,
    '',
    `- Default severity: **${meta.severity}**`,
    `- Options: ${meta.schema ? '`' + JSON.stringify(meta.defaultOptions ?? {}) + '`' : 'none'}`,
    META_END,
  ].join('\n');
}

/** Replaces the generated header of a doc page (or adds one at the top). */
export function withDocHeader(page: string, meta: RuleMeta): string {
  const header = renderDocHeader(meta);
  const start = page.indexOf(META_BEGIN);
  const end = page.indexOf(META_END);
  if (start >= 0 && end > start) return page.slice(0, start) + header + page.slice(end + META_END.length);
  return `${header}\n\n${page}`;
}

export interface DocExample {
  language: string;
  kind: 'bad' | 'good';
  code: string;
  /** 1-based line of the code block's first line in the page. */
  line: number;
}

/** Fenced code blocks whose info string is `<language> example=bad|good`. */
export function docExamples(page: string): DocExample[] {
  const out: DocExample[] = [];
  const lines = page.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(\w+)\s+example=(bad|good)\s*$/.exec(lines[i]);
    if (!m) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].startsWith('```')) body.push(lines[j++]);
    out.push({ language: m[1], kind: m[2] as 'bad' | 'good', code: body.join('\n') + '\n', line: i + 2 });
    i = j;
  }
  return out;
}

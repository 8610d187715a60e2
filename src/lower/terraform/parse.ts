/** Parses a Terraform file by its extension: native syntax (`.tf`, `.tfvars`) or JSON (`.tf.json`). */
import type { HclFile } from '../../syntax/hcl/ast.js';
import { parseTerraformJson } from '../../syntax/hcl/json.js';
import { parseHcl } from '../../syntax/hcl/parser.js';

export function parseTerraformFile(path: string, text: string): HclFile {
  if (path.endsWith('.json')) return parseTerraformJson(text);
  const file = parseHcl(text);
  const swallowing = file.comments.find((c) => !c.text.startsWith('/*') && /\r(?!\n)/.test(c.text));
  if (swallowing && file.errors.length === 0) {
    // HCL ends a line at LF or CRLF only. In a file with CR-only line breaks (old Mac), a `#`
    // comment on the first line runs to the end of the file: Terraform sees nothing in it, while
    // every editor shows the resources below. Say so rather than lint an empty file.
    const at = swallowing.start + swallowing.text.search(/\r(?!\n)/);
    file.errors.push({
      start: at,
      end: at + 1,
      message: 'This comment runs to the end of the file: its line breaks are CR only, which HCL does not read as line breaks, so Terraform ignores everything after it. Use LF or CRLF line breaks.',
    });
  }
  return file;
}

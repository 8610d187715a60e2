/** Parses a Terraform file by its extension: native syntax (`.tf`, `.tfvars`) or JSON (`.tf.json`). */
import type { HclFile } from '../../syntax/hcl/ast.js';
import { parseTerraformJson } from '../../syntax/hcl/json.js';
import { parseHcl } from '../../syntax/hcl/parser.js';

export function parseTerraformFile(path: string, text: string): HclFile {
  return path.endsWith('.json') ? parseTerraformJson(text) : parseHcl(text);
}

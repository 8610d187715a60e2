/**
 * Benchmark: the scripts front end on generated shell scripts of growing size (CPU time, parse and
 * parse + lowering), to show the cost per MB stays flat. `node dist/bench/scripts.js`.
 */
import { lowerScript } from '../src/lower/scripts/script.js';
import { emptyProgram } from '../src/model/template.js';
import { fileSource } from '../src/syntax/script/source.js';
import { parseShell } from '../src/syntax/shell/parser.js';

const CHUNK = [
  'RG="app-rg"; KV=$(az keyvault show -n kv -g "$RG" --query id -o tsv)',
  'ID=`az identity show -n id -g $RG --query principalId -o tsv`',
  "cat <<'EOF'",
  'not a command',
  'EOF',
  'if [ -n "${X:-}" ]; then echo "${X%%/*}"; fi',
  'for r in Reader "Key Vault Secrets User"; do az role assignment create --assignee-object-id "$ID" \\',
  '  --assignee-principal-type ServicePrincipal --role "$r" --scope "$KV"; done',
  '',
].join('\n');

function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

for (const mb of [1, 2, 5, 10]) {
  const text = CHUNK.repeat(Math.ceil((mb * 1e6) / CHUNK.length));
  const parse = cpuMs(() => parseShell(text));
  const all = cpuMs(() => lowerScript({ source: fileSource('/bench.sh', text), language: 'shell' }, emptyProgram()));
  console.log(`${String(mb).padStart(3)} MB  parse ${parse.toFixed(0).padStart(6)} ms CPU (${(parse / mb).toFixed(0)} ms/MB)  parse+lower ${all.toFixed(0).padStart(6)} ms CPU (${(all / mb).toFixed(0)} ms/MB)`);
}

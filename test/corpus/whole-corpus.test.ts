import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { camelCaseFunctionNames } from '../../src/graph/written.js';
import { binPath, repoRoot, sharedPath } from '../helpers/paths.js';
import { runAsync } from '../helpers/run-async.js';

/**
 * One run of grantlint over the whole shared corpus (the CLI, `--format json`), done once and
 * shared: add assertions about real-world output here rather than running the corpus again (the run
 * takes about half a minute; CI stays near five minutes).
 */
interface CorpusFinding {
  ruleId: string;
  message: string;
  file: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
  related: { message: string }[];
  fingerprint: string;
}

let findings: CorpusFinding[] = [];
let status: number | null = null;

/** The CLI over `path` as the whole-corpus run lints it: the same working folder, so the same paths. */
async function lintCorpus(path: string): Promise<{ status: number | null; stderr: string; findings: CorpusFinding[] }> {
  // Not spawnSync: vitest's worker must keep answering while the corpus is linted.
  const run = await runAsync(process.execPath, [binPath, '--format', 'json', path], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
  let parsed: CorpusFinding[] = [];
  try {
    parsed = (JSON.parse(run.stdout) as { findings: CorpusFinding[] }).findings;
  } catch {
    parsed = [];
  }
  return { status: run.status, stderr: run.stderr, findings: parsed };
}

beforeAll(async () => {
  const run = await lintCorpus(sharedPath('corpus'));
  expect(run.stderr).toBe('');
  expect([0, 1]).toContain(run.status);
  status = run.status;
  findings = run.findings;
}, 600_000);

/** Where a finding is, for failure messages. */
const where = (f: CorpusFinding): string => `${f.file}:${f.range.start.line} [${f.ruleId}] ${f.message}`;

describe('the whole corpus', () => {
  it('has findings of every core rule', () => {
    const rules = new Set(findings.map((f) => f.ruleId));
    for (const id of ['missing-role-grant', 'privileged-role', 'broad-scope', 'missing-principal-type', 'non-idempotent-assignment-name']) {
      expect(rules, id).toContain(id);
    }
  });

  it('messages speak of what the user wrote: no internal forms', () => {
    const lowered = camelCaseFunctionNames().map((n) => n.toLowerCase());
    expect(lowered).toEqual(expect.arrayContaining(['resourceid', 'subscriptionresourceid', 'tolower', 'uniquestring', 'newguid']));
    const internal = new RegExp(`<unknown>|<none>|\\b(?:${lowered.join('|')})\\(|\\b(?:param|loop|expr|output|external):[/\\w]`);
    const messages = findings.flatMap((f) => [f, ...f.related.map((r) => ({ ...f, message: r.message }))]);
    expect(messages.filter((f) => internal.test(f.message)).map(where)).toEqual([]);
  });

  it('never advises scope: vault for a target that is not a vault', () => {
    const bad = findings.filter((f) => f.message.includes('scope: vault') && !f.message.includes('Microsoft.KeyVault/vaults'));
    expect(bad.map(where)).toEqual([]);
  });

  it('access findings say which built-in role to grant, and unknown-role errors name the role meant or the malformed GUID', () => {
    const noRole = findings.filter((f) => (f.ruleId === 'access-not-granted' || (f.ruleId === 'missing-role-grant' && / needs .* through it\. /.test(f.message))) && !/Grant '[^']+'/.test(f.message));
    expect(noRole.map(where)).toEqual([]);
    const vague = findings.filter((f) => f.ruleId === 'unknown-role' && /off the ID of|Did you mean|is not a GUID|off '/.test(f.message) === false && !/knownRoles/.test(f.message));
    expect(vague.map(where)).toEqual([]);
  });

  it('says two assignments get the same name only when it shows which', () => {
    const bad = findings.filter((f) => f.ruleId === 'non-idempotent-assignment-name' && /two different assignments get the same name/.test(f.message));
    expect(bad.map(where)).toEqual([]);
  });
});

/**
 * The whole corpus in one run used to end with a stack overflow and no output; in the Terraform
 * front end the same overflow dropped every remaining root with exit 0.
 */
describe('the whole corpus in one run is the same as each top folder on its own', () => {
  const key = (f: CorpusFinding): string => `${f.file}|${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}|${f.ruleId}|${f.message}|${f.fingerprint}`;
  let separately: string[] = [];
  let stderr = '';

  beforeAll(async () => {
    const corpus = sharedPath('corpus');
    const folders = readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    for (const folder of folders) {
      const run = await lintCorpus(join(corpus, folder));
      stderr += run.stderr;
      separately.push(...run.findings.map(key));
    }
    separately = separately.sort();
  }, 600_000);

  it('finishes with every finding, exit 1 and no internal error', () => {
    expect(status).toBe(1);
    expect(findings.length).toBeGreaterThan(1000);
    expect(findings.filter((f) => f.ruleId === 'internal-error').map(where)).toEqual([]);
  });

  it('has the same findings as linting each top folder on its own', () => {
    expect(stderr).toBe('');
    expect(findings.map(key).sort()).toEqual(separately);
  });
});

describe('the identity wiring rules over the whole corpus (issue 11)', () => {
  const IDENTITY_RULES = ['ambiguous-identity', 'identity-id-mismatch', 'slot-identity-drift', 'orphaned-identity', 'kubelet-acr-pull', 'federated-credential'];
  /**
   * Every finding of these rules over the corpus, judged one by one (the judgement is in the issue's
   * closing note): a new one is to be judged before it joins the list, a lost one explained.
   */
  // Lost in the precision audit (docs/dev/precision.md): the two ambiguous-identity findings on
  // avm/res/web/site and its slot were false; their settings are written by a config module on an
  // `existing` site of the same name, merged with the site's current settings (unknown).
  const JUDGED = [
    'orphaned-identity avm/res/machine-learning-services/registry/tests/e2e/waf-aligned/dependencies.bicep',
    'federated-credential user_submitted/extensibility/microsoftGraph/main.bicep',
    'federated-credential website-docs-snippets/r__federated_identity_credential__1.tf',
  ];

  it('reports exactly the judged findings', () => {
    const got = findings.filter((f) => IDENTITY_RULES.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.file.replace(/\\/g, '/')}`);
    expect(got.length, got.join('\n')).toBe(JUDGED.length);
    for (const j of JUDGED) {
      const [rule, file] = j.split(' ');
      expect(got.some((g) => g.startsWith(`${rule} `) && g.endsWith(file)), j).toBe(true);
    }
  });
});

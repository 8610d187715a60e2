import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import { git, initRepo } from './git-repo.js';

/**
 * Drives the real pre-commit framework against this checkout as a hook repository: pre-commit clones
 * it at a commit, builds its node environment (`npm install`, which builds grantlint, then `npm pack`
 * and a global install of the package), and runs the `grantlint` hook on the staged files.
 */

/** spawn without blocking the event loop (vitest's worker must keep answering while npm installs). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

function ensurePreCommit(): string {
  const found = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return found.stdout.trim();
  const install = (): boolean => spawnSync('apt-get', ['install', '-y', '-q', 'pre-commit'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore' });
    if (!install()) throw new Error('pre-commit is not on PATH and `apt-get install -y pre-commit` failed: this test needs the real pre-commit framework.');
  }
  const again = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (again.status !== 0) throw new Error('pre-commit was installed but does not run.');
  return again.stdout.trim();
}

const BAD = `resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'worker-uami'
  location: 'westeurope'
}

resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, uami.id, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
    principalId: uami.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
`;

let temp: string;
let hookRepo: string;
let work: string;
let env: NodeJS.ProcessEnv;
const timings: Record<string, number> = {};

/**
 * What pre-commit's node install needs from the package, checked first so that a failure names its
 * cause instead of surfacing 80 s later as npm's ENOENT on a garbled tarball name.
 */
function packagingProblems(): string[] {
  const problems: string[] = [];
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files?: string[] };
  if (pkg.files && !pkg.files.includes('data')) {
    problems.push('package.json "files" lacks "data": the installed package has no data/builtin-roles.json and every run fails.');
  }
  const npmrc = existsSync(join(repoRoot, '.npmrc')) ? readFileSync(join(repoRoot, '.npmrc'), 'utf8') : '';
  if (!/^\s*foreground-scripts\s*=\s*false\s*$/m.test(npmrc)) {
    problems.push(
      '.npmrc lacks "foreground-scripts=false": pre-commit reads the tarball name from `npm pack` stdout, where npm otherwise prints the `prepare` banner (pre-commit/pre-commit#3460).',
    );
  }
  return problems;
}

beforeAll(async () => {
  const problems = packagingProblems();
  if (problems.length > 0) throw new Error(`the package cannot be installed by pre-commit:\n- ${problems.join('\n- ')}`);
  const version = ensurePreCommit();
  temp = mkdtempSync(join(tmpdir(), 'grantlint-pre-commit-'));
  // The hook repository: the current work tree (tracked and untracked files, not node_modules/dist), committed.
  hookRepo = join(temp, 'hook-repo');
  mkdirSync(hookRepo);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && !f.startsWith('node_modules/') && !f.startsWith('dist/'));
  for (const f of files) {
    mkdirSync(dirname(join(hookRepo, f)), { recursive: true });
    try {
      copyFileSync(join(repoRoot, f), join(hookRepo, f));
    } catch {
      // Deleted in the work tree but still in the index.
    }
  }
  initRepo(hookRepo);
  git(hookRepo, 'add', '-A');
  git(hookRepo, 'commit', '-q', '-m', 'grantlint under test');
  const rev = git(hookRepo, 'rev-parse', 'HEAD').trim();

  work = join(temp, 'work');
  mkdirSync(work);
  initRepo(work);
  writeFileSync(
    join(work, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: grantlint\n        args: [--fail-on, warning]\n`,
  );
  env = {
    ...process.env,
    PRE_COMMIT_HOME: join(temp, 'pre-commit-home'),
    NO_COLOR: '1',
    GIT_AUTHOR_NAME: 'grantlint test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'grantlint test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
  // Build the hook's environment once, timed: the first commit would otherwise pay for it.
  const start = Date.now();
  const install = await run('pre-commit', ['install-hooks'], work, env);
  timings['install-hooks'] = Date.now() - start;
  if (install.status !== 0) throw new Error(`pre-commit (${version}) could not install the hook:\n${install.output}`);
  spawnSync('pre-commit', ['install'], { cwd: work, env, encoding: 'utf8' });
  git(work, 'add', '.pre-commit-config.yaml');
  git(work, 'commit', '-q', '--no-verify', '-m', 'pre-commit config');
}, 240_000);

afterAll(() => {
  console.log(`pre-commit timings (ms): ${JSON.stringify(timings)}`);
  if (temp) rmSync(temp, { recursive: true, force: true });
});

async function commit(files: Record<string, string>, message: string): Promise<{ status: number | null; output: string; head: string }> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, name)), { recursive: true });
    writeFileSync(join(work, name), text);
    git(work, 'add', name);
  }
  const start = Date.now();
  const r = await run('git', ['commit', '-m', message], work, env);
  timings[message] = Date.now() - start;
  return { status: r.status, output: r.output, head: git(work, 'rev-parse', 'HEAD').trim() };
}

describe('pre-commit hook (language: node)', () => {
  it('a clean module file commits (linted as a root when only it is staged)', async () => {
    const r = await commit(
      {
        'modules/vault-reader.bicep': `param principalId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'orders-kv'
}

resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`,
      },
      'module',
    );
    expect(r.output).toMatch(/grantlint\.+Passed/);
    expect(r.status).toBe(0);
  });

  it('only the caller staged: its module is read from disk, so its grant counts (no missing-role-grant)', async () => {
    const r = await commit(
      {
        'app/main.bicep': `resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'orders-web'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {}
}

module secrets '../modules/vault-reader.bicep' = {
  name: 'vault-reader'
  params: {
    principalId: site.identity.principalId
  }
}
`,
      },
      'app',
    );
    expect(r.output).toMatch(/grantlint\.+Passed/);
    expect(r.output).not.toContain('missing-role-grant');
    expect(r.status).toBe(0);
  });

  it('a commit with a bad grant is refused and the finding is printed', async () => {
    const before = git(work, 'rev-parse', 'HEAD').trim();
    const r = await commit({ 'legacy/owner.bicep': BAD, 'notes.txt': 'not linted\n' }, 'bad');
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/grantlint\.+Failed/);
    expect(r.output).toContain('legacy/owner.bicep');
    expect(r.output).toMatch(/6:1 +error +Grants 'Owner' to user-assigned identity 'uami'.*privileged-role/);
    expect(r.head).toBe(before);
  });
});

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixturePath } from '@spikeformer-actions/testing';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
    timeout: 30_000,
  });

/**
 * Rebuilds a git repository in which the fixture PR (coverage/pr.diff) is the change from
 * branch `base` to branch `feature`: the base version of each changed file holds the
 * diff's context and removed lines at their line numbers and unique filler lines elsewhere;
 * every other file the coverage report names exists with filler. `git apply` then makes the
 * feature commit, so `git diff base...feature` is the fixture diff.
 */
export function buildBottleRepo(): { dir: string; diff: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'qg-bottle-'));
  const diff = readFileSync(fixturePath('reports/coverage/pr.diff'), 'utf8');
  const cobertura = readFileSync(fixturePath('reports/coverage/cobertura-pr.xml'), 'utf8');
  const base = new Map<string, Map<number, string>>();
  const executable = new Set<string>();
  let lastGitPath = '';
  let current: Map<number, string> | undefined;
  let oldLine = 0;
  for (const line of diff.split('\n')) {
    const header = /^diff --git a\/(\S+) /.exec(line);
    if (header?.[1]) lastGitPath = header[1];
    if (/^index \S+ 100755$/.test(line)) executable.add(lastGitPath);
    const file = /^--- a\/(.+)$/.exec(line);
    if (file?.[1]) {
      current = new Map();
      base.set(file[1], current);
      continue;
    }
    if (line.startsWith('--- /dev/null')) {
      current = undefined;
      continue;
    }
    const hunk = /^@@ -(\d+)/.exec(line);
    if (hunk) {
      oldLine = Number(hunk[1]);
      continue;
    }
    if (!current || line.startsWith('+')) continue;
    if (line.startsWith(' ') || line.startsWith('-')) current.set(oldLine++, line.slice(1));
  }
  const write = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  for (const [rel, known] of base) {
    const last = Math.max(...known.keys()) + 2000;
    const lines: string[] = [];
    for (let n = 1; n <= last; n++) lines.push(known.get(n) ?? `# filler line ${n} of ${rel}`);
    write(rel, `${lines.join('\n')}\n`);
    if (executable.has(rel)) chmodSync(path.join(dir, rel), 0o755);
  }
  for (const m of cobertura.matchAll(/filename="([^"]+)"/g)) {
    const rel = m[1] as string;
    if (!base.has(rel) && rel !== 'test/test_pr_extras.py') write(rel, `# ${rel}\n`);
  }
  git(dir, 'init', '-q', '-b', 'base');
  git(dir, 'config', 'user.email', 'qg@example.invalid');
  git(dir, 'config', 'user.name', 'quality-gate test');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  writeFileSync(path.join(dir, 'pr.diff'), diff);
  git(dir, 'apply', 'pr.diff');
  git(dir, 'add', '-A', '--', '.', ':!pr.diff');
  git(dir, 'commit', '-q', '-m', 'feature');
  execFileSync('rm', ['-f', path.join(dir, 'pr.diff')]);
  return { dir, diff };
}

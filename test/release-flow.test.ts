// The release flow end to end, offline: scripts/release.ts against a local bare remote, then
// clones of the tags it pushed, with each action run from the clone as the runner runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundledAction } from '../packages/testing/lib/index.js';
import { actionNames, repoRoot } from '../scripts/lib/actions.ts';
import { filesUnder } from '../scripts/lib/release-compare.ts';
import { unresolvedUses } from '../scripts/lib/release-tree.ts';
import { insideReferences, verifyReleaseTree } from '../scripts/lib/release-verify.ts';

const REPO = 'org/spikeformer-actions';
const actions = actionNames();
const work = mkdtempSync(path.join(tmpdir(), 'sf-release-flow-'));
const remote = path.join(work, 'remote.git');
const changelog = path.join(work, 'CHANGELOG.md');

const CHANGELOG = `# Changelog

## [Unreleased]

## [2.0.0] - 2026-12-09

### Removed
- an input

## [1.4.0] - 2026-12-08

### Added
- d

## [1.3.0] - 2026-12-08

### Added
- c

## [1.2.0] - 2026-12-07

### Added
- b

## [1.1.0] - 2026-12-06

### Added
- a

## [1.0.0] - 2026-12-05

### Added
- The nine actions.

[1.0.0]: https://github.com/${REPO}/releases/tag/v1.0.0
`;

function git(...args: string[]): string {
  const r = spawnSync('git', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Every ref of the remote: name → "<type> <id> [<peeled commit>]". */
function refs(): Record<string, string> {
  const out: Record<string, string> = {};
  const listing = git('-C', remote, 'for-each-ref', '--format=%(refname) %(objecttype) %(objectname) %(*objectname)');
  for (const line of listing.split('\n').filter(Boolean)) {
    const [name = '', ...rest] = line.split(' ');
    out[name] = rest.join(' ').trim();
  }
  return out;
}

let cloneCount = 0;
function clone(branch: string): string {
  const dir = path.join(work, `clone-${++cloneCount}`);
  git('clone', '--quiet', '--branch', branch, remote, dir);
  return dir;
}

/** scripts/release.ts as `bash scripts/dev release` runs it; the checkout's dist as it is. */
function release(version: string, ...extra: string[]): { status: number | null; stdout: string; stderr: string } {
  const tree = extra.includes('--tree') ? [] : ['--tree', path.join(work, `tree-${version}`)];
  const log = extra.includes('--changelog') ? [] : ['--changelog', changelog];
  const r = spawnSync(
    process.execPath,
    [
      'scripts/release.ts',
      version,
      '--remote',
      remote,
      '--notes',
      path.join(work, `notes-${version}.md`),
      '--use-dist',
      '--allow-dirty',
      ...log,
      ...tree,
      ...extra,
    ],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, GITHUB_ACTIONS: '' } },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const commitOf = (ref: string): string => git('-C', remote, 'rev-parse', `${ref}^{commit}`);

beforeAll(() => {
  git('init', '--quiet', '--bare', remote);
  writeFileSync(changelog, CHANGELOG);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('release v1.0.0', () => {
  let first: string;

  it('creates releases/v1, the annotated tag v1.0.0 and v1, all on one new commit', () => {
    const r = release('1.0.0');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    first = commitOf('refs/heads/releases/v1');
    expect(r.stdout).toMatch(
      new RegExp(`^v1\\.0\\.0: ${first} on releases/v1 \\(new branch\\); v1 created; pushed$`, 'm'),
    );
    const now = refs();
    expect(Object.keys(now).sort()).toEqual(['refs/heads/releases/v1', 'refs/tags/v1', 'refs/tags/v1.0.0']);
    expect(now['refs/tags/v1']).toBe(`commit ${first}`);
    expect(now['refs/tags/v1.0.0']).toMatch(new RegExp(`^tag [0-9a-f]{40} ${first}$`));
    expect(git('-C', remote, 'rev-list', '--count', first)).toBe('1');
    expect(git('-C', remote, 'log', '-1', '--format=%s', first)).toBe('v1.0.0');
  });

  it('writes the notes: the CHANGELOG section, then how to verify the release', () => {
    const notes = readFileSync(path.join(work, 'notes-1.0.0.md'), 'utf8');
    expect(notes.startsWith('### Added\n- The nine actions.\n\n## Verify this release\n')).toBe(true);
    expect(notes).toContain(`gh attestation verify spikeformer-actions/canary/dist/index.js --repo ${REPO}`);
    expect(notes).toContain(`- uses: ${REPO}/verify-provenance@v1.0.0\n`);
    expect(notes).not.toContain('[1.0.0]:');
  });

  describe('a fresh clone at v1', () => {
    let dir: string;
    beforeAll(() => {
      dir = clone('v1');
    });

    it.each(actions)('holds %s/action.yml and the dist of the checkout, byte for byte', (name) => {
      expect(readFileSync(path.join(dir, name, 'action.yml'), 'utf8')).toBe(
        readFileSync(path.join(repoRoot, 'actions', name, 'action.yml'), 'utf8'),
      );
      const dist = filesUnder(path.join(repoRoot, 'actions', name, 'dist'));
      expect(dist).toContain('index.js');
      expect(dist).toContain('package.json');
      expect(filesUnder(path.join(dir, name, 'dist'))).toEqual(dist);
      for (const file of dist) {
        expect(
          readFileSync(path.join(dir, name, 'dist', file)).equals(
            readFileSync(path.join(repoRoot, 'actions', name, 'dist', file)),
          ),
          file,
        ).toBe(true);
      }
    });

    it('has every inside reference at @v1.0.0, and each resolves in the clone', () => {
      const found = insideReferences(dir, REPO);
      expect(found.length).toBeGreaterThan(actions.length);
      expect([...new Set(found.map((r) => r.ref))]).toEqual(['v1.0.0']);
      expect([...new Set(found.map((r) => r.target))].sort()).toEqual(actions);
      expect(filesUnder(path.join(dir, '.github/workflows'))).toEqual(['ci.yml', 'deploy.yml', 'release.yml']);
      expect(unresolvedUses(dir, REPO, 'v1.0.0')).toEqual([]);
      expect(verifyReleaseTree(dir, { repository: REPO, ref: 'v1.0.0', actions })).toEqual([]);
    });

    it.each(actions)('runs %s from the clone: no inputs → its one error line, exit 1', async (name) => {
      const fromClone = await runBundledAction(path.join(dir, name), { inputs: {}, timeoutMs: 60_000 });
      const fromCheckout = await runBundledAction(path.join(repoRoot, 'actions', name), {
        inputs: {},
        timeoutMs: 60_000,
      });
      const errors = fromClone.annotations.filter((a) => a.level === 'error').map((a) => a.message);
      expect(fromClone.exitCode).toBe(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`^${name}: Input '[a-z-]+': \\S`));
      expect(`${fromClone.stdout}${fromClone.stderr}`).not.toMatch(/Stack trace|\n\s+at /);
      expect(errors).toEqual(fromCheckout.annotations.filter((a) => a.level === 'error').map((a) => a.message));
    });
  });

  describe('v1.1.0', () => {
    let before: Record<string, string>;
    let second: string;
    beforeAll(() => {
      before = refs();
    });

    it('goes on top of releases/v1, moves v1 and leaves v1.0.0 where it was', () => {
      const r = release('1.1.0');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      second = commitOf('refs/heads/releases/v1');
      expect(r.stdout).toMatch(new RegExp(`^v1\\.1\\.0: ${second} on releases/v1; v1 moved; pushed$`, 'm'));
      expect(git('-C', remote, 'rev-parse', `${second}^`)).toBe(first);
      const now = refs();
      expect(now['refs/tags/v1.0.0']).toBe(before['refs/tags/v1.0.0']);
      expect(now['refs/tags/v1']).toBe(`commit ${second}`);
      expect(now['refs/tags/v1.1.0']).toMatch(new RegExp(`^tag [0-9a-f]{40} ${second}$`));
      expect(Object.keys(now).sort()).toEqual([
        'refs/heads/releases/v1',
        'refs/tags/v1',
        'refs/tags/v1.0.0',
        'refs/tags/v1.1.0',
      ]);
    });

    it('a clone at v1 names v1.1.0 inside; a clone at v1.0.0 still names v1.0.0', () => {
      expect([...new Set(insideReferences(clone('v1'), REPO).map((r) => r.ref))]).toEqual(['v1.1.0']);
      const old = clone('v1.0.0');
      expect(git('-C', old, 'rev-parse', 'HEAD')).toBe(first);
      expect([...new Set(insideReferences(old, REPO).map((r) => r.ref))]).toEqual(['v1.0.0']);
    });
  });
});

describe('what the release script refuses, with the remote unchanged', () => {
  it.each([
    [
      '1.0.0',
      'release: v1.0.0 already exists on the remote; a released version is never replaced (release the next version)',
    ],
    [
      '1.1.0',
      'release: v1.1.0 already exists on the remote; a released version is never replaced (release the next version)',
    ],
    ['1.0.5', 'release: v1.0.5 is not greater than the last release v1.1.0 of v1'],
    ['1.5.0', `release: ${changelog} has no section "## [1.5.0] - YYYY-MM-DD"`],
    ['v1.2.0', 'release: "v1.2.0" is not a release version X.Y.Z (semver, no "v", no pre-release)'],
    ['1.2', 'release: "1.2" is not a release version X.Y.Z (semver, no "v", no pre-release)'],
    ['1.2.0-rc.1', 'release: "1.2.0-rc.1" is not a release version X.Y.Z (semver, no "v", no pre-release)'],
    ['01.2.0', 'release: "01.2.0" is not a release version X.Y.Z (semver, no "v", no pre-release)'],
  ])('%s', (version, message) => {
    const before = refs();
    const tree = path.join(work, `tree-refused-${version}`);
    const r = release(version, '--tree', tree);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(existsSync(tree)).toBe(false);
    expect(refs()).toEqual(before);
  });

  it('a changelog heading without a date', () => {
    const undated = path.join(work, 'CHANGELOG-undated.md');
    writeFileSync(undated, '# Changelog\n\n## [1.2.0]\n\n### Added\n- x\n');
    const before = refs();
    const r = release('1.2.0', '--changelog', undated);
    expect(r.stderr).toBe(
      `release: ${undated}: the heading of 1.2.0 needs a date "## [1.2.0] - YYYY-MM-DD" (line 3)\n`,
    );
    expect(r.status).toBe(1);
    expect(refs()).toEqual(before);
  });
});

describe('the tree folder is replaced, so the script refuses one that is not a release tree', () => {
  it.each([
    ['the checkout', repoRoot, `release: --tree ${repoRoot} holds the checkout; give a new or empty folder`],
    [
      'a folder above it',
      path.dirname(repoRoot),
      `release: --tree ${path.dirname(repoRoot)} holds the checkout; give a new or empty folder`,
    ],
    [
      'a folder with other files',
      work,
      `release: --tree ${work} is not empty and holds no release tree; give a new or empty folder`,
    ],
  ])('%s', (_what, tree, message) => {
    const before = refs();
    const listing = filesUnder(tree === work ? work : path.join(repoRoot, 'actions/canary')).length;
    const r = release('1.2.0', '--tree', tree);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.status).toBe(1);
    expect(filesUnder(tree === work ? work : path.join(repoRoot, 'actions/canary')).length).toBe(listing);
    expect(refs()).toEqual(before);
  });

  it('a remote git would read as an option', () => {
    const r = spawnSync(
      process.execPath,
      ['scripts/release.ts', '1.2.0', '--remote', '-uevil', '--use-dist', '--allow-dirty'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, GITHUB_ACTIONS: '' },
      },
    );
    expect(r.stderr).toBe('release: --remote "-uevil" is not a remote name, URL or path\n');
    expect(r.status).toBe(1);
  });

  it('an unknown option', () => {
    const r = release('1.2.0', '--force');
    expect(r.stderr).toBe('release: unknown option --force\n');
    expect(r.status).toBe(1);
  });
});

describe('prepare, then publish (the workflow signs in between)', () => {
  it('prepare assembles and verifies the tree and pushes nothing; publish pushes that tree', () => {
    const tree = path.join(work, 'tree-staged');
    const before = refs();
    const prepared = release('1.2.0', '--stage', 'prepare', '--tree', tree);
    expect(prepared.stderr).toBe('');
    expect(prepared.status).toBe(0);
    expect(refs()).toEqual(before);
    expect(verifyReleaseTree(tree, { repository: REPO, ref: 'v1.2.0', actions })).toEqual([]);
    const published = release('1.2.0', '--stage', 'publish', '--tree', tree);
    expect(published.stderr).toBe('');
    expect(published.status).toBe(0);
    expect(commitOf('refs/tags/v1.2.0')).toBe(commitOf('refs/heads/releases/v1'));
    expect(commitOf('refs/tags/v1')).toBe(commitOf('refs/tags/v1.2.0'));
  });

  it('publish refuses a tree assembled for another version', () => {
    const tree = path.join(work, 'tree-other');
    expect(release('1.3.0', '--stage', 'prepare', '--tree', tree).status).toBe(0);
    const before = refs();
    const r = release('1.4.0', '--stage', 'publish', '--tree', tree);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`release: the release tree ${tree} does not verify:`);
    expect(r.stderr).toMatch(
      /^ {2}\.github\/workflows\/ci\.yml: org\/spikeformer-actions\/security-scan@v1\.3\.0 does not use the release ref v1\.4\.0$/m,
    );
    expect(refs()).toEqual(before);
  });
});

describe('a new major', () => {
  it('2.0.0 starts releases/v2 and v2, and leaves v1 alone', () => {
    const before = refs();
    const r = release('2.0.0');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const now = refs();
    const v2 = commitOf('refs/heads/releases/v2');
    expect(git('-C', remote, 'rev-list', '--count', v2)).toBe('1');
    expect(now['refs/tags/v2']).toBe(`commit ${v2}`);
    expect(now['refs/tags/v2.0.0']).toMatch(new RegExp(`^tag [0-9a-f]{40} ${v2}$`));
    for (const ref of Object.keys(before)) expect(now[ref]).toBe(before[ref]);
  });
});

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleRelease } from '../scripts/assemble-release.ts';
import { actionNames, repoRoot } from '../scripts/lib/actions.ts';
import { treeDifferences } from '../scripts/lib/release-compare.ts';
import { rewriteRefs, unresolvedUses } from '../scripts/lib/release-tree.ts';
import { verifyReleaseTree } from '../scripts/lib/release-verify.ts';
import { changelogSection, compareVersions, lastReleaseOfMajor, parseVersion } from '../scripts/lib/release-version.ts';

const REPO = 'org/spikeformer-actions';

describe('assemble-release', () => {
  it('builds a tree where every action resolves at the release ref', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'sf-release-')), 'tree');
    const result = assembleRelease(out, { ref: 'v1', repository: REPO });
    expect(result.problems).toEqual([]);
    expect(result.actions).toEqual(actionNames());
    // A workflow that uses each action at @v1 resolves against the tree.
    const steps = result.actions.map((name) => `      - uses: ${REPO}/${name}@v1`).join('\n');
    mkdirSync(path.join(out, '.github/workflows'), { recursive: true });
    writeFileSync(
      path.join(out, '.github/workflows/probe.yml'),
      `on: push\njobs:\n  all:\n    runs-on: ubuntu-latest\n    steps:\n${steps}\n`,
    );
    expect(unresolvedUses(out, REPO, 'v1')).toEqual([]);
    for (const name of result.actions) {
      expect(existsSync(path.join(out, name, 'dist/index.js'))).toBe(true);
      expect(readFileSync(path.join(out, name, 'dist/package.json'), 'utf8')).toContain('"module"');
    }
  });

  it('resolves every uses: of the example callers against the release tree', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'sf-release-examples-')), 'tree');
    expect(assembleRelease(out, { ref: 'v1', repository: REPO }).problems).toEqual([]);
    const examples = path.join(repoRoot, 'workflows-examples/examples');
    const files = readdirSync(examples).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) cpSync(path.join(examples, file), path.join(out, '.github/workflows', `example-${file}`));
    expect(unresolvedUses(out, REPO, 'v1')).toEqual([]);
  });

  it('reports a uses: that does not resolve', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sf-release-bad-'));
    mkdirSync(path.join(out, '.github/workflows'), { recursive: true });
    mkdirSync(path.join(out, 'canary'));
    writeFileSync(
      path.join(out, 'canary/action.yml'),
      'name: c\ndescription: d\nruns:\n  using: node24\n  main: dist/index.js\n',
    );
    writeFileSync(
      path.join(out, '.github/workflows/w.yml'),
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${REPO}/canary@v1\n      - uses: ${REPO}/nope@v1\n      - uses: ${REPO}/canary@main\n  b:\n    uses: ${REPO}/.github/workflows/missing.yml@v1\n`,
    );
    expect(unresolvedUses(out, REPO, 'v1')).toEqual([
      `.github/workflows/w.yml: ${REPO}/canary@v1: canary/dist/index.js (runs.main) is missing`,
      `.github/workflows/w.yml: ${REPO}/nope@v1: no nope/action.yml in the release tree`,
      `.github/workflows/w.yml: ${REPO}/canary@main does not use the release ref v1`,
      `.github/workflows/w.yml: ${REPO}/canary@main: canary/dist/index.js (runs.main) is missing`,
      `.github/workflows/w.yml: ${REPO}/.github/workflows/missing.yml@v1: no .github/workflows/missing.yml in the release tree`,
    ]);
  });

  it('rewrites every reference to the release ref', () => {
    expect(
      rewriteRefs(
        `uses: ${REPO}/sbom@main\nuses: ${REPO}/.github/workflows/ci.yml@feature/x\nuses: actions/checkout@v4`,
        REPO,
        'v1.2.3',
      ),
    ).toBe(`uses: ${REPO}/sbom@v1.2.3\nuses: ${REPO}/.github/workflows/ci.yml@v1.2.3\nuses: actions/checkout@v4`);
  });
});

const made: string[] = [];
/** A fresh temp folder, removed after the file's tests. */
function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('versions and the changelog', () => {
  it.each([
    ['1.0.0', { major: 1, minor: 0, patch: 0 }],
    ['0.1.20', { major: 0, minor: 1, patch: 20 }],
    ['10.200.3000', { major: 10, minor: 200, patch: 3000 }],
  ])('%s is a release version', (text, version) => {
    expect(parseVersion(text)).toEqual(version);
  });

  it.each([
    'v1.0.0',
    '1.0',
    '1',
    '01.0.0',
    '1.00.0',
    '1.0.0-rc.1',
    '1.0.0+build',
    ' 1.0.0',
    '1.0.0\n',
    '1.0.-1',
    '9999999999.0.0',
    '',
  ])('%j is not', (text) => {
    expect(parseVersion(text)).toBeUndefined();
  });

  it('orders versions numerically, not as text', () => {
    const v = (s: string) => parseVersion(s) ?? { major: -1, minor: -1, patch: -1 };
    expect(compareVersions(v('1.10.0'), v('1.9.9'))).toBeGreaterThan(0);
    expect(compareVersions(v('1.2.3'), v('1.2.3'))).toBe(0);
    expect(compareVersions(v('1.2.3'), v('2.0.0'))).toBeLessThan(0);
  });

  it('finds the last release of a major among the tags, ignoring other tags', () => {
    const tags = ['v1', 'v1.9.0', 'v1.10.0', 'v2.0.0', 'v1.11.0-rc.1', 'release-1.12.0', 'v1.2'];
    expect(lastReleaseOfMajor(tags, 1)).toEqual({ major: 1, minor: 10, patch: 0 });
    expect(lastReleaseOfMajor(tags, 2)).toEqual({ major: 2, minor: 0, patch: 0 });
    expect(lastReleaseOfMajor(tags, 3)).toBeUndefined();
  });

  const changelog = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '## [1.1.0] - 2026-12-06',
    '',
    '### Fixed',
    '- sign: one line per subject.',
    '',
    '## [1.0.0] - 2026-11-27',
    '',
    '### Added',
    '- The nine actions.',
    '',
    '[1.1.0]: https://github.com/org/spikeformer-actions/compare/v1.0.0...v1.1.0',
    '[1.0.0]: https://github.com/org/spikeformer-actions/releases/tag/v1.0.0',
    '',
  ].join('\n');

  it('takes a section up to the next heading, and the last one up to the link definitions', () => {
    expect(changelogSection(changelog, '1.1.0')).toEqual({
      date: '2026-12-06',
      notes: '### Fixed\n- sign: one line per subject.',
    });
    expect(changelogSection(changelog, '1.0.0')).toEqual({
      date: '2026-11-27',
      notes: '### Added\n- The nine actions.',
    });
  });

  it.each([
    ['1.2.0', changelog, 'CHANGELOG.md has no section "## [1.2.0] - YYYY-MM-DD"'],
    [
      '1.0.0',
      '## [1.0.0]\n- x\n',
      'CHANGELOG.md: the heading of 1.0.0 needs a date "## [1.0.0] - YYYY-MM-DD" (line 1)',
    ],
    [
      '1.0.0',
      '## [1.0.0] - 2026-02-30\n- x\n',
      'CHANGELOG.md: the heading of 1.0.0 needs a date "## [1.0.0] - YYYY-MM-DD" (line 1)',
    ],
    [
      '1.0.0',
      '# C\n\n## [1.0.0] - 2026-02-03\n\n## [0.9.0] - 2026-01-01\n- x\n',
      'CHANGELOG.md: the section of 1.0.0 is empty (line 3)',
    ],
    ['1.0.0', '## [1.0.0.1] - 2026-02-03\n- x\n', 'CHANGELOG.md has no section "## [1.0.0] - YYYY-MM-DD"'],
  ])('%s in a changelog without a usable section is refused', (version, text, message) => {
    expect(() => changelogSection(text, version)).toThrow(message);
  });

  it("the project's CHANGELOG.md keeps an [Unreleased] section naming every action, and no release is dated before it is cut", () => {
    const text = readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8');
    expect(text).toMatch(/^## \[Unreleased\]$/m);
    const unreleased = text.slice(text.indexOf('## [Unreleased]'));
    for (const name of actionNames()) expect(unreleased).toContain(`**${name}**`);
    expect(() => changelogSection(text, '1.0.0')).toThrow();
  });
});

describe('release tree checks', () => {
  function tree(using = 'node24'): string {
    const out = temp('sf-release-verify-');
    mkdirSync(path.join(out, 'canary/dist'), { recursive: true });
    writeFileSync(
      path.join(out, 'canary/action.yml'),
      `name: c\ndescription: d\nruns:\n  using: ${using}\n  main: dist/index.js\n  post: dist/post/index.js\n`,
    );
    writeFileSync(path.join(out, 'canary/dist/index.js'), '');
    writeFileSync(path.join(out, 'canary/dist/package.json'), '{"type":"module"}');
    return out;
  }

  it('passes a tree whose action and references are complete', () => {
    const out = tree();
    mkdirSync(path.join(out, 'canary/dist/post'));
    writeFileSync(path.join(out, 'canary/dist/post/index.js'), '');
    writeFileSync(path.join(out, 'README.md'), `- uses: ${REPO}/canary@v1.2.3.\nPin \`${REPO}/<name>@v1\`.\n`);
    expect(verifyReleaseTree(out, { repository: REPO, ref: 'v1.2.3', actions: ['canary'] })).toEqual([]);
  });

  it('names every problem: runtime, missing files, a missing or extra action, a reference at another ref or to nothing', () => {
    const out = tree('node20');
    mkdirSync(path.join(out, 'extra'));
    writeFileSync(
      path.join(out, 'extra/action.yml'),
      'name: e\ndescription: e\nruns:\n  using: node24\n  main: dist/index.js\n',
    );
    writeFileSync(path.join(out, 'canary/README.md'), `uses: ${REPO}/canary@v1\n\nuses: ${REPO}/nope@v1.2.3\n`);
    expect(verifyReleaseTree(out, { repository: REPO, ref: 'v1.2.3', actions: ['canary', 'sbom'] })).toEqual([
      'canary/action.yml: runs.using is "node20", not node24',
      'canary/dist/post/index.js (runs.post) is missing',
      'extra/dist/index.js (runs.main) is missing',
      'extra/dist/package.json is missing (node loads dist/ as ES modules)',
      'sbom/action.yml is missing',
      'extra/ is not one of the released actions',
      `canary/README.md:1: ${REPO}/canary@v1 does not name v1.2.3`,
      `canary/README.md:3: ${REPO}/nope@v1.2.3: no nope in the release tree`,
    ]);
  });

  it('rewriting keeps the full stop after a reference, and leaves placeholders and other repositories alone', () => {
    const text = `Use ${REPO}/sign@v1. Pin ${REPO}/<name>@v1 or myorg/spikeformer-actions/sign@v1; ${REPO}/.github/workflows/ci.yml@main.`;
    expect(rewriteRefs(text, REPO, 'v2.0.1')).toBe(
      `Use ${REPO}/sign@v2.0.1. Pin ${REPO}/<name>@v1 or myorg/spikeformer-actions/sign@v1; ${REPO}/.github/workflows/ci.yml@v2.0.1.`,
    );
  });

  it('the root README keeps its pinning table in the release tree', () => {
    const out = path.join(temp('sf-release-readme-'), 'tree');
    expect(assembleRelease(out, { ref: 'v1.2.3', repository: REPO }).problems).toEqual([]);
    const readme = readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(readme).toContain(`uses: ${REPO}/canary@v1.2.3`);
    expect(readme).toContain(`${REPO}/<name>@v1\``);
    expect(readme).toContain(`${REPO}/<name>@v1.4.0\``);
    expect(readFileSync(path.join(out, 'CHANGELOG.md'), 'utf8')).toBe(
      readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8'),
    );
  });
});

describe('comparing two bundles', () => {
  it('names a file only in one tree and the first differing byte', () => {
    const a = temp('sf-cmp-a-');
    const b = temp('sf-cmp-b-');
    for (const dir of [a, b]) {
      mkdirSync(path.join(dir, 'post'));
      writeFileSync(path.join(dir, 'post/index.js'), 'same');
    }
    writeFileSync(path.join(a, 'index.js'), 'abcdef');
    writeFileSync(path.join(b, 'index.js'), 'abcXef!');
    writeFileSync(path.join(a, '211.index.js'), '');
    writeFileSync(path.join(b, 'licenses.txt'), '');
    expect(treeDifferences(a, b)).toEqual([
      '211.index.js: only in the first bundle',
      'index.js: differs at byte 3 (6 and 7 bytes)',
      'licenses.txt: only in the second bundle',
    ]);
    expect(treeDifferences(a, a)).toEqual([]);
  });
});

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleRelease } from '../scripts/assemble-release.ts';
import { actionNames, repoRoot } from '../scripts/lib/actions.ts';
import { rewriteRefs, unresolvedUses } from '../scripts/lib/release-tree.ts';

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
    writeFileSync(path.join(out, '.github/workflows/probe.yml'), `on: push\njobs:\n  all:\n    runs-on: ubuntu-latest\n    steps:\n${steps}\n`);
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
    writeFileSync(path.join(out, 'canary/action.yml'), 'name: c\ndescription: d\nruns:\n  using: node24\n  main: dist/index.js\n');
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
    expect(rewriteRefs(`uses: ${REPO}/sbom@main\nuses: ${REPO}/.github/workflows/ci.yml@feature/x\nuses: actions/checkout@v4`, REPO, 'v1.2.3')).toBe(
      `uses: ${REPO}/sbom@v1.2.3\nuses: ${REPO}/.github/workflows/ci.yml@v1.2.3\nuses: actions/checkout@v4`,
    );
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixturePath } from '@spikeformer-actions/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCoverage } from '../src/coverage/detect.js';
import { mergeCoverage } from '../src/coverage/merge.js';
import { computeDiffCoverage } from '../src/diff-coverage.js';
import { parseUnifiedDiff } from '../src/diff.js';
import { gitDiffAgainst } from '../src/git.js';
import { PathMapper } from '../src/paths.js';
import { buildBottleRepo } from './bottle-repo.js';

const DIFF_COVER = '/usr/bin/diff-cover';
const haveDiffCover = existsSync(DIFF_COVER);

interface DiffCoverJson {
  src_stats: Record<string, { percent_covered: number; violation_lines: number[] }>;
  total_num_lines: number;
  total_num_violations: number;
  total_percent_covered: number;
  num_changed_lines: number;
}

let repo = '';
let scratch = '';
beforeAll(() => {
  repo = buildBottleRepo().dir;
  scratch = mkdtempSync(path.join(tmpdir(), 'qg-dc-'));
});
afterAll(() => {
  for (const d of [repo, scratch]) if (d) rmSync(d, { recursive: true, force: true });
});

function runDiffCover(report: string): DiffCoverJson {
  const out = path.join(scratch, `${path.basename(report)}.json`);
  // diff-cover 7.4 (Debian) has no --diff-file: it runs git diff base...HEAD itself.
  execFileSync(DIFF_COVER, [report, '--compare-branch=base', '--json-report', out], {
    cwd: repo,
    timeout: 120_000,
    stdio: 'pipe',
  });
  return JSON.parse(readFileSync(out, 'utf8')) as DiffCoverJson;
}

async function ours(reportRel: string) {
  const file = fixturePath(`reports/${reportRel}`);
  const report = parseCoverage(readFileSync(file, 'utf8'), reportRel);
  const mapper = new PathMapper({
    root: repo,
    prefixes: [],
    exists: (rel) => existsSync(path.join(repo, rel)) && statSync(path.join(repo, rel)).isFile(),
  });
  const { changes } = await gitDiffAgainst('base', repo);
  return computeDiffCoverage(changes, mergeCoverage([report], mapper));
}

describe("changed-line coverage equals Debian diff-cover's on the fixture PR", () => {
  it('diff-cover is installed (CI installs the diff-cover package)', () => {
    if (!haveDiffCover && process.env.CI)
      throw new Error(`${DIFF_COVER} is missing: install the Debian package diff-cover`);
  });
  it.skipIf(!haveDiffCover && !process.env.CI).each(['coverage/cobertura-pr.xml', 'coverage/pr.lcov'])(
    '%s',
    async (reportRel) => {
      const expected = runDiffCover(fixturePath(`reports/${reportRel}`));
      const got = await ours(reportRel);
      expect(got.measured).toBe(expected.total_num_lines);
      expect(got.measured - got.covered).toBe(expected.total_num_violations);
      expect(got.changedLines).toBe(expected.num_changed_lines);
      expect(Math.floor((got.covered / got.measured) * 100)).toBe(expected.total_percent_covered);
      expect(Object.fromEntries(got.files.map((f) => [f.path, f.uncoveredLines]))).toEqual(
        Object.fromEntries(Object.entries(expected.src_stats).map(([p, s]) => [p, s.violation_lines])),
      );
      for (const f of got.files)
        expect((f.covered / f.measured) * 100).toBeCloseTo(expected.src_stats[f.path]?.percent_covered ?? -1, 9);
      // The figures themselves, so a silent change on both sides cannot pass unnoticed.
      expect([got.measured, got.covered]).toEqual([41, 34]);
    },
  );
  it('the fixture diff file gives the same changed lines as git diff of the rebuilt repository', async () => {
    const fromFile = parseUnifiedDiff(readFileSync(fixturePath('reports/coverage/pr.diff'), 'utf8'), 'pr.diff');
    const fromGit = (await gitDiffAgainst('base', repo)).changes;
    const added = (m: typeof fromFile) => Object.fromEntries([...m].map(([p, c]) => [p, c.added]));
    expect(added(fromFile)).toEqual(added(fromGit));
    expect(fromFile.get('bottle.py')?.added.length).toBe(17);
    expect(fromFile.get('test/test_pr_extras.py')?.added).toEqual(Array.from({ length: 46 }, (_, i) => i + 1));
  });
});

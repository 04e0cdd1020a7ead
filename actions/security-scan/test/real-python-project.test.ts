import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, fixturePath, repoRoot, runBundledAction } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { mergeFindings } from '../src/merge.js';
import { parseReport } from '../src/parsers/detect.js';
import { workspaceLines } from '../src/load-reports.js';

/**
 * ruff 0.16.9 and bandit 1.6.2 run on examples/sample-project (fixtures/reports/ruff and bandit,
 * SOURCES.md there): bandit from the project root and from its spikeformer/ folder.
 */
const ACTION = 'actions/security-scan';
const RUFF = 'ruff/ruff-0.16.9-sample-project.sarif';
const BANDIT = 'bandit/bandit-1.6.2-sample-project.json';
const BANDIT_SUBDIR = 'bandit/bandit-1.6.2-sample-project-from-subdir.json';

/** A copy of the sample project (the scanned code) with the reports under reports/. */
function workspace(reports: readonly string[]): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'ss-sample-'));
  for (const dir of ['spikeformer', 'tests', 'model'])
    cpSync(path.join(repoRoot, 'examples/sample-project', dir), path.join(ws, dir), { recursive: true });
  mkdirSync(path.join(ws, 'reports'));
  for (const r of reports) cpSync(fixturePath(`reports/${r}`), path.join(ws, 'reports', path.basename(r)));
  return ws;
}

function parsed(relative: string, root: string) {
  return parseReport(JSON.parse(readFileSync(fixturePath(`reports/${relative}`), 'utf8')) as unknown, {
    report: relative,
    root,
  });
}

beforeAll(() => {
  ensureBundled(ACTION);
}, 240_000);

describe("ruff's flake8-bandit findings take bandit's severity and merge with bandit's", () => {
  it("rates ruff's S rules as bandit rates the test, not as ruff's blanket `error`", () => {
    const ruff = parsed(RUFF, path.join(repoRoot, 'examples/sample-project'));
    const byRule: Record<string, string[]> = {};
    for (const f of ruff.findings) (byRule[f.ruleId] ??= []).push(f.severity);
    // S101 = B101 (low), S301 = B301 (medium), S603 = B603 (low), S607 = B607 (low).
    expect(byRule).toEqual({
      S101: ['low', 'low', 'low', 'low', 'low', 'low', 'low'],
      S301: ['medium'],
      S603: ['low'],
      S607: ['low'],
    });
    expect(ruff.findings[0]?.toolSeverity).toMatch(/^error \(as bandit B\d{3}: (low|medium)\)$/);
  });

  it('one finding per place: 22 reported (10 ruff + 12 bandit) for 12 places', () => {
    const root = path.join(repoRoot, 'examples/sample-project');
    const raw = [...parsed(BANDIT, root).findings, ...parsed(RUFF, root).findings];
    expect(raw).toHaveLength(22);
    const { findings, merged } = mergeFindings(raw, workspaceLines(root));
    expect(findings).toHaveLength(12);
    expect(merged).toBe(10);
    const both = findings.filter((f) => f.tools.join(',') === 'bandit,ruff');
    expect(both).toHaveLength(10);
    // bandit's own rating of each line stands.
    expect(both.map((f) => `${f.ruleId}:${f.severity}`).sort()).toEqual([
      'B101:low',
      'B101:low',
      'B101:low',
      'B101:low',
      'B101:low',
      'B101:low',
      'B101:low',
      'B301:medium',
      'B603:low',
      'B607:low',
    ]);
  });

  it('the bundled action passes the default gate (high) on them, as bandit alone does', async () => {
    const ws = workspace([RUFF, BANDIT]);
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { reports: 'reports/*.json\nreports/*.sarif' },
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.stdout.slice(-3000)).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'passed', total: '12', high: '0', medium: '1', low: '11' });
    const sarif = JSON.parse(readFileSync(path.join(ws, 'security-scan.sarif'), 'utf8')) as {
      runs: Array<{ results: unknown[] }>;
    };
    expect(sarif.runs.reduce((n, run) => n + run.results.length, 0)).toBe(12);
  });
});

describe('a report made in a subdirectory (`cd spikeformer && bandit -r .`)', () => {
  it('is re-rooted under the one directory holding every file it names, said in a notice', async () => {
    const ws = workspace([BANDIT_SUBDIR]);
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { reports: 'reports/bandit-1.6.2-sample-project-from-subdir.json' },
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.stdout.slice(-3000)).toBe(0);
    const report = 'reports/bandit-1.6.2-sample-project-from-subdir.json';
    expect(r.annotations.filter((a) => a.title === 'Report paths re-rooted').map((a) => a.message)).toEqual([
      `${report}: its paths are relative to spikeformer/ (the scanner ran there): read as spikeformer/<path>`,
    ]);
    expect(r.annotations.filter((a) => a.title === 'Report paths not in the workspace')).toEqual([]);
    // B403, B404, B301, B607 and B603 in hardware/loihi2.py.
    const code = r.annotations.filter((a) => /^(high|medium|low|info): bandit /.test(a.title ?? ''));
    expect(code.map((a) => `${a.file ?? ''}:${a.line ?? 0}`).sort()).toEqual([
      'spikeformer/hardware/loihi2.py:23',
      'spikeformer/hardware/loihi2.py:27',
      'spikeformer/hardware/loihi2.py:27',
      'spikeformer/hardware/loihi2.py:5',
      'spikeformer/hardware/loihi2.py:6',
    ]);
    for (const a of code) expect(existsSync(path.join(ws, a.file ?? '-')), a.file).toBe(true);
    const sarif = JSON.parse(readFileSync(path.join(ws, 'security-scan.sarif'), 'utf8')) as {
      runs: Array<{
        results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
      }>;
    };
    const uris = new Set(
      sarif.runs.flatMap((run) => run.results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri)),
    );
    expect([...uris].sort()).toEqual(['spikeformer/hardware/loihi2.py']);
    const json = JSON.parse(readFileSync(path.join(ws, 'security-scan.json'), 'utf8')) as {
      reports: Array<{ rerootedTo?: string }>;
    };
    expect(json.reports[0]?.rerootedTo).toBe('spikeformer');
  });

  it('files that exist under no single directory: a warning naming the report and the first missing file', async () => {
    // The bottle report (fixtures/reports/bandit/bandit.json) names bottle.py and test/*.py: not in this workspace.
    const ws = workspace(['bandit/bandit.json']);
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { reports: 'reports/bandit.json', 'fail-on': 'none' },
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.stdout.slice(-3000)).toBe(0);
    expect(
      r.annotations
        .filter((a) => a.title === 'Report paths not in the workspace')
        .map((a) => `${a.level} ${a.file ?? ''} ${a.message}`),
    ).toEqual([
      'warning reports/bandit.json reports/bandit.json: 3 of the 3 file(s) it names do not exist in the workspace, first bottle.py; their annotations and SARIF locations point nowhere (run the scanner from the workspace root, or check out the scanned code)',
    ]);
    expect(r.annotations.filter((a) => a.title === 'Report paths re-rooted')).toEqual([]);
  });
});

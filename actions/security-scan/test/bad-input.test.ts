import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixturePath } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse } from '../src/analyse.js';
import { planAnnotations } from '../src/annotations.js';
import { parseReportLine, parseSize } from '../src/inputs.js';
import { loadReports } from '../src/load-reports.js';
import { buildSarif } from '../src/sarif-out.js';
import { parseDoc } from './helpers.js';

let ws = '';

beforeAll(() => {
  ws = mkdtempSync(path.join(tmpdir(), 'ss-bad-'));
  process.env.GITHUB_WORKSPACE = ws;
  mkdirSync(path.join(ws, 'reports'));
  copyFileSync(fixturePath('reports/bandit/bandit.json'), path.join(ws, 'reports/bandit.json'));
  copyFileSync(fixturePath('reports/trivy/image-alpine-jar.json'), path.join(ws, 'reports/trivy.json'));
  const text = readFileSync(fixturePath('reports/bandit/bandit.json'), 'utf8');
  writeFileSync(path.join(ws, 'reports/truncated.json'), text.slice(0, 700));
  writeFileSync(path.join(ws, 'reports/unknown.json'), '{"tool": "something else", "items": []}');
  writeFileSync(path.join(ws, 'reports/empty.json'), '');
});

const load = (line: string, maxBytes = 1024 * 1024): ReturnType<typeof loadReports> =>
  loadReports([parseReportLine(line)], [], maxBytes);

describe('bad report input gives a clear error naming the file', () => {
  it('truncated JSON: file, line and column', async () => {
    await expect(load('reports/truncated.json')).rejects.toThrow(/^reports\/truncated\.json:\d+:\d+: invalid JSON/);
  });
  it('empty file', async () => {
    await expect(load('reports/empty.json')).rejects.toThrow('reports/empty.json:1:1: is empty, expected JSON');
  });
  it('unknown format lists the formats read', async () => {
    await expect(load('reports/unknown.json')).rejects.toThrow(
      /reports\/unknown\.json: is not a report format this action reads \(expected bandit, semgrep/,
    );
  });
  it('the wrong tool under tool:path says what the content is', async () => {
    await expect(load('semgrep:reports/trivy.json')).rejects.toThrow(
      "reports/trivy.json: was given as 'semgrep:' but its content is trivy JSON (SchemaVersion, Results[])",
    );
    await expect(load('trivy:reports/trivy.json')).resolves.toMatchObject({
      records: [{ file: 'reports/trivy.json', format: 'trivy', findings: 5 }],
    });
  });
  it('an oversize file', async () => {
    await expect(load('reports/bandit.json', 4096)).rejects.toThrow(
      /reports\/bandit\.json: is 20\.9 KiB, over the limit of 4\.0 KiB/,
    );
  });
  it('paths outside the workspace and patterns matching nothing', async () => {
    await expect(load('../outside.json')).rejects.toThrow(
      /Input 'reports': path '\.\.\/outside\.json' is outside the workspace/,
    );
    await expect(load('reports/nothing-*.json')).rejects.toThrow(
      `Input 'reports': no file matches "reports/nothing-*.json"`,
    );
  });
  it('a glob reads each file once with its format detected', async () => {
    const r = await loadReports(
      [parseReportLine('reports/*.json')],
      ['reports/truncated.json', 'reports/unknown.json', 'reports/empty.json'],
      1024 * 1024,
    );
    expect(r.records.map((x) => [x.file, x.format, x.findings])).toEqual([
      ['reports/bandit.json', 'bandit', 19],
      ['reports/trivy.json', 'trivy', 5],
    ]);
  });
});

describe('inputs', () => {
  it('parses tool:path prefixes only for known formats', () => {
    expect(parseReportLine('npm-audit:web/audit.json')).toEqual({ pattern: 'web/audit.json', forced: 'npm-audit' });
    expect(parseReportLine('reports/**/*.sarif')).toEqual({ pattern: 'reports/**/*.sarif' });
    expect(parseReportLine('c:/x.json')).toEqual({ pattern: 'c:/x.json' });
  });
  it('parses sizes', () => {
    expect(parseSize('50MB')).toEqual({ ok: true, value: 50_000_000 });
    expect(parseSize('256MiB')).toEqual({ ok: true, value: 256 * 1024 * 1024 });
    expect(parseSize('lots').ok).toBe(false);
    expect(parseSize('10').ok).toBe(false);
  });
});

describe('finding paths outside the workspace are neutralised', () => {
  const doc = {
    results: [
      {
        check_id: 'r1',
        path: '../../etc/passwd',
        start: { line: 1, col: 1 },
        end: { line: 1, col: 2 },
        extra: { message: 'outside', severity: 'ERROR', lines: 'root:x:0:0', metadata: {} },
      },
      {
        check_id: 'r2',
        path: '/opt/other/checkout/app.py',
        start: { line: 3, col: 1 },
        end: { line: 3, col: 2 },
        extra: { message: 'elsewhere', severity: 'ERROR', lines: 'x = 1', metadata: {} },
      },
      {
        check_id: 'r3',
        path: '/home/runner/work/app/app/src/ok.py',
        start: { line: 2, col: 1 },
        end: { line: 2, col: 2 },
        extra: { message: 'inside', severity: 'ERROR', lines: 'y = 2', metadata: {} },
      },
    ],
    errors: [],
  };
  it('are never read, never annotated, and SARIF points at the report instead', () => {
    const raw = parseDoc(doc, 'reports/semgrep.json').findings;
    expect(raw.map((f) => [f.location?.path, f.location?.inWorkspace])).toEqual([
      ['../../etc/passwd', false],
      ['/opt/other/checkout/app.py', false],
      ['src/ok.py', true],
    ]);
    const read: string[] = [];
    const a = analyse(raw, {
      failOn: 'high',
      newOnly: false,
      today: '2026-01-01',
      lines: (p) => (read.push(p), undefined),
      suppressions: [],
    });
    expect(read).toEqual(['src/ok.py']);
    expect(planAnnotations(a.active, 10).annotations.map((x) => x.file)).toEqual(['src/ok.py']);
    const sarif = JSON.parse(
      buildSarif(
        a.active.map((finding) => ({ finding })),
        { toolVersion: '1' },
      ).text,
    ) as {
      runs: Array<{
        results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
      }>;
    };
    const uris = sarif.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri).sort();
    expect(uris).toEqual(['reports/semgrep.json', 'reports/semgrep.json', 'src/ok.py']);
  });
});

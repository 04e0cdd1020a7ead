import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, runBundledAction, fixturePath } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const ACTION = 'actions/security-scan';
const REPORTS = [
  'bandit/bandit.json',
  'trivy/fs-pip-misconfig-secrets.json',
  'grype/many_vulns4.json',
  'sarif/eslint.sarif',
  'pip-audit/many_vulns_new_format.json',
];

function workspace(): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'ss-e2e-'));
  mkdirSync(path.join(ws, 'reports'));
  for (const r of REPORTS) copyFileSync(fixturePath(`reports/${r}`), path.join(ws, 'reports', path.basename(r)));
  writeFileSync(
    path.join(ws, 'suppressions.yml'),
    [
      'suppressions:',
      '  - rule: B101',
      '    path: "test/**"',
      '    reason: asserts are fine in tests',
      '  - id: CVE-2021-33503',
      '    reason: accepted until the upgrade',
      '    expires: 2020-01-01',
      '',
    ].join('\n'),
  );
  return ws;
}

beforeAll(() => {
  ensureBundled(ACTION);
}, 240_000);

describe('the bundled action, run as the runner does', () => {
  it('merges, gates, writes SARIF + JSON + summary + annotations; a second run against its JSON has 0 new', async () => {
    const ws = workspace();
    const first = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        reports: 'reports/*.json\nsarif:reports/eslint.sarif',
        suppressions: 'suppressions.yml',
        'max-annotations': '10',
        'json-output': 'out/scan.json',
        'sarif-output': 'out/scan.sarif',
      },
      timeoutMs: 60_000,
    });
    expect(first.exitCode, first.stdout.slice(-3000)).toBe(1);
    expect(first.outputs.status).toBe('failed');
    // bandit 19 + trivy 5 + grype 9 + eslint 23 + pip-audit 7 = 63, minus 1 B101 in test/ and 1 ESLint in-source suppression.
    expect(Number(first.outputs.total)).toBe(61);
    expect(Number(first.outputs.suppressed)).toBe(2);
    expect(Number(first.outputs.new)).toBe(61);
    expect(['critical', 'high', 'medium', 'low', 'info'].reduce((n, k) => n + Number(first.outputs[k]), 0)).toBe(61);
    expect(first.outputs['sarif-file']).toBe('out/scan.sarif');
    expect(existsSync(path.join(ws, 'out/scan.sarif'))).toBe(true);
    const annotations = first.annotations.filter((a) => a.title?.includes(':'));
    const codeAnnotations = annotations.filter(
      (a) => a.file !== undefined && a.title !== 'Expired suppression' && a.file !== 'out/scan.json',
    );
    expect(codeAnnotations.length).toBe(10);
    expect(codeAnnotations[0]?.level).toBe('error');
    expect(first.annotations.some((a) => a.level === 'warning' && a.message.includes('expired on 2020-01-01'))).toBe(
      true,
    );
    const gate = first.annotations.filter((a) => a.level === 'error' && a.message.startsWith('security-scan:'));
    expect(gate).toHaveLength(1);
    expect(gate[0]?.message).toMatch(/finding\(s\) at or above high/);
    // Core's summary escaping may or may not entity-encode ':'.
    expect(first.summary).toMatch(/<h2>Security scan(:|&#58;) failed<\/h2>/);
    expect(first.summary).toContain('<td>reports/bandit.json</td><td>bandit</td>');
    expect(first.summary).toContain('EXPIRED');
    expect(first.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);

    const second = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        reports: 'reports/*.json\nsarif:reports/eslint.sarif',
        suppressions: 'suppressions.yml',
        baseline: 'out/scan.json',
        'json-output': 'out/scan2.json',
        'sarif-output': 'out/scan2.sarif',
      },
      timeoutMs: 60_000,
    });
    expect(second.exitCode, second.stdout.slice(-3000)).toBe(0);
    expect(second.outputs.status).toBe('passed');
    expect(second.outputs.new).toBe('0');
    expect(second.outputs.fixed).toBe('0');
    expect(second.outputs.total).toBe('61');
    const json = JSON.parse(readFileSync(path.join(ws, 'out/scan2.json'), 'utf8')) as {
      schema: string;
      version: number;
      findings: Array<{ state: string }>;
    };
    expect(json.schema).toBe('spikeformer-actions/security-scan');
    expect(json.findings.every((f) => f.state === 'existing')).toBe(true);
  }, 120_000);

  it('a truncated report fails with one error naming the file, no stack trace', async () => {
    const ws = workspace();
    writeFileSync(
      path.join(ws, 'reports/broken.json'),
      readFileSync(fixturePath('reports/bandit/bandit.json'), 'utf8').slice(0, 500),
    );
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { reports: 'reports/broken.json' },
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.stdout.slice(-3000)).toBe(1);
    const errors = r.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^security-scan: reports\/broken\.json:\d+:\d+: invalid JSON/);
    expect(r.stdout).not.toContain('Stack trace');
  }, 60_000);

  it('messages full of workflow commands and markup are neutralised in the log, annotations and summary', async () => {
    const ws = workspace();
    const hostile =
      '::set-output name=status::passed\n::add-mask::secret-value\n##[error]forged <img src=x onerror=alert(1)> | cell |';
    writeFileSync(
      path.join(ws, 'reports/semgrep.json'),
      JSON.stringify({
        results: [
          {
            check_id: '::warning::rule',
            path: 'src/app.py',
            start: { line: 1, col: 1 },
            end: { line: 1, col: 5 },
            extra: { message: hostile, severity: 'ERROR', lines: 'x', metadata: {} },
          },
        ],
        errors: [{ level: 'error', message: '::error::injected from errors[]' }],
      }),
    );
    // A baseline that does not exist yet (first run) is a warning, not a failure.
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { reports: 'reports/semgrep.json', 'fail-on': 'none', baseline: 'cache/baseline.json' },
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.stdout.slice(-3000)).toBe(0);
    expect(r.outputs.status).toBe('passed');
    expect(r.commands.some((c) => c.command === 'set-output' || c.command === 'add-mask')).toBe(false);
    expect(r.masks).toEqual([]);
    expect(r.annotations.some((a) => a.message.startsWith('forged'))).toBe(false);
    const finding = r.annotations.find((a) => a.file === 'src/app.py');
    expect(finding?.level).toBe('error');
    expect(finding?.message).toContain('set-output');
    expect(r.summary).not.toContain('<img');
    expect(r.summary).not.toMatch(/\| cell \|/);
    expect(r.annotations.some((a) => a.message.includes('injected from errors'))).toBe(true);
    expect(
      r.annotations.some(
        (a) =>
          a.level === 'warning' &&
          a.message === 'Baseline cache/baseline.json does not exist: every finding counts as new',
      ),
    ).toBe(true);
    expect(r.outputs.new).toBe('1');
  }, 60_000);
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, fixturePath, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClean, expectRefused, INJECTION, OUTSIDE_CANARY, outsideDir, SECRET } from '@spikeformer-actions/testing/hostile';

const ACTION = 'actions/security-scan';
const P = 'security-scan: ';

interface Case {
  name: string;
  /** Files (and links) in the workspace; `outside` holds the canary files. */
  setup?: (ws: string, outside: string) => void;
  inputs: Record<string, string>;
  /** The one error line of a refused run… */
  error?: string | RegExp;
  /** …or what an accepted run must show. */
  check?: (r: RunResult, ws: string) => void;
}

const write = (ws: string, name: string, text: string | Buffer): void => {
  mkdirSync(path.dirname(path.join(ws, name)), { recursive: true });
  writeFileSync(path.join(ws, name), text);
};
const link = (ws: string, name: string, target: string): void => symlinkSync(target, path.join(ws, name));
const deepJson = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const ALIAS_BOMB = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');

const semgrep = (results: unknown[]): string => JSON.stringify({ results, errors: [] });
const semgrepResult = (over: { check_id?: string; path?: string; message?: string; severity?: string; line?: unknown }): unknown => ({
  check_id: over.check_id ?? 'python.lang.security.audit.eval',
  path: over.path ?? 'src/app.py',
  start: { line: over.line ?? 1, col: 1 },
  end: { line: over.line ?? 1, col: 5 },
  extra: { message: over.message ?? 'eval of input', severity: over.severity ?? 'ERROR', lines: 'eval(x)', metadata: {} },
});
const sarif = (rule: string, uri: string, message: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: INJECTION, rules: [{ id: rule, shortDescription: { text: message } }] } }, results: [{ ruleId: rule, level: 'error', message: { text: message }, locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: 2 } } }], ...extra }] }],
  });

interface SarifOut { runs: Array<{ tool: { driver: { name: string; rules?: Array<{ id: string }> } }; results: Array<{ ruleId: string; message: { text: string }; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine?: number } } }> }> }> }
const sarifOut = (ws: string): SarifOut => JSON.parse(readFileSync(path.join(ws, 'security-scan.sarif'), 'utf8')) as SarifOut;
const uris = (ws: string): string[] => sarifOut(ws).runs.flatMap((r) => r.results.map((x) => x.locations?.[0]?.physicalLocation.artifactLocation.uri ?? '')).sort();
const outputsText = (ws: string): string => ['security-scan.sarif', 'security-scan.json'].map((f) => (existsSync(path.join(ws, f)) ? readFileSync(path.join(ws, f), 'utf8') : '')).join('\n');

/** Every annotation of a finding names a workspace file or none; none comes from a path outside. */
function expectAnnotationsInside(r: RunResult): void {
  for (const a of r.annotations) {
    if (a.file === undefined) continue;
    expect(a.file.startsWith('/') || a.file.split('/').includes('..'), a.file).toBe(false);
  }
}

const INJECTION_IN_FIELDS: Case[] = [
  {
    name: 'semgrep: rule id, message and path full of commands reach the log, annotations, summary and SARIF inert',
    setup: (ws) => {
      write(ws, 'src/app.py', 'x = 1\n');
      write(ws, 'r/semgrep.json', semgrep([semgrepResult({ check_id: INJECTION, message: `${INJECTION} <img src=x onerror=alert(1)> | cell |`, path: 'src/app.py' }), semgrepResult({ path: `src/${INJECTION}.py`, message: 'm' })]));
    },
    inputs: { reports: 'r/semgrep.json', 'fail-on': 'none' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('2');
      expect(r.summary).not.toContain('<img');
      expect(r.summary).not.toMatch(/\| cell \|/);
      const annotation = r.annotations.find((a) => a.file === 'src/app.py');
      expect(annotation?.message).toContain(':\u200b:error:\u200b:INJECTED');
      const rules = sarifOut(ws).runs[0]?.tool.driver.rules?.map((x) => x.id) ?? [];
      expect(rules).toContain(INJECTION);
    },
  },
  {
    name: 'SARIF input: tool name, rule id, message and uri with commands',
    setup: (ws) => write(ws, 'r/x.sarif', sarif(INJECTION, `src/${INJECTION}.py`, INJECTION)),
    inputs: { reports: 'sarif:r/x.sarif', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('1');
    },
  },
  {
    name: 'bandit: test id, test name, filename and issue text with commands',
    setup: (ws) =>
      write(ws, 'r/bandit.json', JSON.stringify({
        generated_at: '2026-01-01T00:00:00Z', errors: [{ filename: INJECTION, reason: INJECTION }], metrics: {},
        results: [{ code: INJECTION, filename: `./${INJECTION}.py`, issue_confidence: 'HIGH', issue_severity: 'HIGH', issue_text: INJECTION, line_number: 3, line_range: [3], test_id: INJECTION, test_name: INJECTION, issue_cwe: { id: 78, link: INJECTION } }],
      })),
    inputs: { reports: 'r/bandit.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('1');
    },
  },
  {
    name: 'pip-audit: package name, version and vulnerability id with commands',
    setup: (ws) => write(ws, 'r/pip-audit.json', JSON.stringify({ dependencies: [{ name: INJECTION, version: INJECTION, vulns: [{ id: INJECTION, fix_versions: [INJECTION], description: INJECTION }] }], fixes: [] })),
    inputs: { reports: 'r/pip-audit.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('1');
    },
  },
  {
    name: 'trivy: vulnerability id, package, title, target and misconfiguration with commands; CVSS -1, 1e308 and "NaN"',
    setup: (ws) =>
      write(ws, 'r/trivy.json', JSON.stringify({
        SchemaVersion: 2,
        ArtifactName: INJECTION,
        Results: [
          {
            Target: INJECTION, Class: 'lang-pkgs', Type: 'pip',
            Vulnerabilities: [
              { VulnerabilityID: INJECTION, PkgName: INJECTION, InstalledVersion: INJECTION, FixedVersion: INJECTION, Severity: 'HIGH', Title: INJECTION, PrimaryURL: `https://${SECRET}@avd.example/x`, CVSS: { nvd: { V3Score: -1 } } },
              { VulnerabilityID: 'CVE-2020-0001', PkgName: 'a', InstalledVersion: '1', Severity: 'LOW', CVSS: { nvd: { V3Score: 1e308 } } },
              { VulnerabilityID: 'CVE-2020-0002', PkgName: 'b', InstalledVersion: '1', Severity: INJECTION, CVSS: { nvd: { V3Score: 'NaN' } } },
            ],
            Misconfigurations: [{ ID: INJECTION, Title: INJECTION, Message: INJECTION, Severity: 'MEDIUM', CauseMetadata: { StartLine: -3, EndLine: 1e300 } }],
          },
        ],
      })),
    inputs: { reports: 'r/trivy.json', 'fail-on': 'none' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('4');
      expect(outputsText(ws)).not.toContain(SECRET);
      for (const run of sarifOut(ws).runs) {
        for (const rule of run.tool.driver.rules ?? []) {
          const score = Number((rule as { properties?: Record<string, string> }).properties?.['security-severity']);
          expect(score >= 0 && score <= 10, String(score)).toBe(true);
        }
      }
    },
  },
  {
    name: 'grype and npm audit: ids, package names, versions and titles with commands',
    setup: (ws) => {
      write(ws, 'r/grype.json', JSON.stringify({
        descriptor: { name: 'grype' }, source: { type: 'directory' },
        matches: [{ vulnerability: { id: INJECTION, severity: INJECTION, description: INJECTION, urls: [INJECTION], fix: { versions: [INJECTION], state: INJECTION } }, artifact: { name: INJECTION, version: INJECTION, type: 'python', locations: [{ path: `../../${INJECTION}` }] } }],
      }));
      write(ws, 'r/npm.json', JSON.stringify({
        auditReportVersion: 2,
        vulnerabilities: { [INJECTION]: { name: INJECTION, severity: 'high', range: INJECTION, nodes: [INJECTION], fixAvailable: { name: INJECTION, version: INJECTION }, via: [{ source: 1, name: INJECTION, title: INJECTION, url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', severity: 'high', range: INJECTION, cvss: { score: -5 } }] } },
        metadata: { vulnerabilities: { total: 1 } },
      }));
    },
    inputs: { reports: 'r/grype.json\nr/npm.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('2');
    },
  },
  {
    name: 'a finding message of 1,000,000 characters: annotation and log lines stay bounded',
    setup: (ws) => write(ws, 'r/semgrep.json', semgrep([semgrepResult({ message: 'm'.repeat(1_000_000) })])),
    inputs: { reports: 'r/semgrep.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('1');
    },
  },
  {
    name: 'suppressions: an unknown field full of commands',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([semgrepResult({})]));
      write(ws, 's.yml', `suppressions:\n  - rule: x\n    reason: r\n    ${JSON.stringify(INJECTION)}: 1\n`);
    },
    inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' },
    error: /^security-scan: s\.yml: entry 1: unknown field\(s\) ':\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED ⏎ :\u200b:stop-commands:\u200b:tok ⏎ #\u200b#\[error\]INJECTEDRED' \(allowed: /,
  },
  {
    name: 'suppressions: an expiry of 100,000 characters is quoted cut',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([semgrepResult({})]));
      write(ws, 's.yml', `- rule: x\n  reason: r\n  expires: "${'9'.repeat(100_000)}"\n`);
    },
    inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' },
    error: /^security-scan: s\.yml: entry 1: 'expires' must be a date YYYY-MM-DD, got '9{200}…' \(cut at 200 of 100000 characters\)$/,
  },
];

const SECRETS: Case[] = [
  {
    name: 'help links with credentials lose them in annotations, SARIF and JSON',
    setup: (ws) => {
      write(ws, 'src/a.py', 'a\nb\n');
      const doc = JSON.parse(sarif('R1', 'src/a.py', 'm')) as { runs: Array<{ tool: { driver: { rules: Array<Record<string, unknown>> } } }> };
      const rule = doc.runs[0]?.tool.driver.rules[0];
      if (rule) rule.helpUri = `https://user:${SECRET}@rules.example.com/R1?token=${SECRET}`;
      write(ws, 'r/x.sarif', JSON.stringify(doc));
      write(ws, 'r/bandit.json', JSON.stringify({ errors: [], metrics: {}, results: [{ code: 'x', filename: 'src/a.py', issue_confidence: 'HIGH', issue_severity: 'HIGH', issue_text: 't', line_number: 1, line_range: [1], test_id: 'B1', test_name: 'n', more_info: `https://${SECRET}@bandit.example.com/b1` }] }));
    },
    inputs: { reports: 'sarif:r/x.sarif\nr/bandit.json', 'fail-on': 'none' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('2');
      expect(outputsText(ws)).not.toContain(SECRET);
      expect(outputsText(ws)).toContain('https://***:***@rules.example.com/R1?token=***');
    },
  },
];

const PATHS: Case[] = [
  { name: 'reports through ..', inputs: { reports: '../secret.json' }, error: /^security-scan: Input 'reports': path '\.\.\/secret\.json' is outside the workspace/ },
  { name: 'reports absolute outside', inputs: { reports: '/etc/passwd' }, error: /^security-scan: Input 'reports': .*outside the workspace/ },
  { name: 'reports a symlink out', setup: (ws, out) => link(ws, 'r.json', path.join(out, 'secret.json')), inputs: { reports: 'r.json' }, error: /^security-scan: Input 'reports': .*(outside the workspace|no file matches)/ },
  { name: 'reports glob into a directory linked out', setup: (ws, out) => link(ws, 'rd', out), inputs: { reports: 'rd/*.json' }, error: /^security-scan: Input 'reports': .*(outside the workspace|no file matches)/ },
  { name: 'baseline through ..', setup: (ws) => write(ws, 'r/semgrep.json', semgrep([])), inputs: { reports: 'r/semgrep.json', baseline: '../secret.json' }, error: /^security-scan: Input 'baseline': .*outside the workspace/ },
  { name: 'baseline a symlink out', setup: (ws, out) => { write(ws, 'r/semgrep.json', semgrep([])); link(ws, 'b.json', path.join(out, 'secret.json')); }, inputs: { reports: 'r/semgrep.json', baseline: 'b.json' }, error: /^security-scan: Input 'baseline': .*outside the workspace/ },
  { name: 'suppressions absolute outside', setup: (ws) => write(ws, 'r/semgrep.json', semgrep([])), inputs: { reports: 'r/semgrep.json', suppressions: '/etc/hostname' }, error: /^security-scan: Input 'suppressions': .*outside the workspace/ },
  { name: 'suppressions a symlink out', setup: (ws, out) => { write(ws, 'r/semgrep.json', semgrep([])); link(ws, 's.yml', path.join(out, 'secret.yml')); }, inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' }, error: /^security-scan: Input 'suppressions': .*outside the workspace/ },
  { name: 'sarif-output through ..', setup: (ws) => write(ws, 'r/semgrep.json', semgrep([])), inputs: { reports: 'r/semgrep.json', 'sarif-output': '../x.sarif' }, error: /^security-scan: Input 'sarif-output': .*outside the workspace/ },
  { name: 'json-output in a directory linked out', setup: (ws, out) => { write(ws, 'r/semgrep.json', semgrep([])); link(ws, 'o', path.join(out, 'sub')); }, inputs: { reports: 'r/semgrep.json', 'json-output': 'o/scan.json' }, error: /^security-scan: Input 'json-output': .*outside the workspace/ },
  {
    name: 'finding locations through .., absolute and through a link out are never read nor annotated; SARIF points at the report',
    setup: (ws, out) => {
      link(ws, 'linked', out);
      write(ws, 'src/ok.py', 'ok = 1\nok = 2\n');
      write(ws, 'r/semgrep.json', semgrep([
        semgrepResult({ path: '../../../../etc/passwd', check_id: 'r1' }),
        semgrepResult({ path: path.join(out, 'secret.txt'), check_id: 'r2' }),
        semgrepResult({ path: 'linked/secret.txt', check_id: 'r3' }),
        semgrepResult({ path: 'src/../../secret.txt', check_id: 'r4' }),
        semgrepResult({ path: 'file:///etc/passwd', check_id: 'r5' }),
        semgrepResult({ path: 'src/ok.py', check_id: 'r6' }),
      ]));
    },
    inputs: { reports: 'r/semgrep.json', 'fail-on': 'none' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('6');
      expectAnnotationsInside(r);
      expect(r.annotations.filter((a) => a.file !== undefined && a.file !== 'r/semgrep.json').map((a) => a.file).sort()).toEqual(['linked/secret.txt', 'src/ok.py']);
      expect(uris(ws)).toEqual(['linked/secret.txt', 'r/semgrep.json', 'r/semgrep.json', 'r/semgrep.json', 'r/semgrep.json', 'src/ok.py']);
    },
  },
];

const DOCUMENTS: Case[] = [
  { name: 'report truncated', setup: (ws) => write(ws, 'r/b.json', readFileSync(fixturePath('reports/bandit/bandit.json'), 'utf8').slice(0, 600)), inputs: { reports: 'r/b.json' }, error: /^security-scan: r\/b\.json:\d+:\d+: invalid JSON/ },
  { name: 'report empty', setup: (ws) => write(ws, 'r/e.json', ''), inputs: { reports: 'r/e.json' }, error: `${P}r/e.json:1:1: is empty, expected JSON` },
  { name: 'report binary', setup: (ws) => write(ws, 'r/bin.json', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256))), inputs: { reports: 'r/bin.json' }, error: /^security-scan: r\/bin\.json:1:1: invalid JSON/ },
  { name: 'report nested 300 levels', setup: (ws) => write(ws, 'r/d.json', `{"results": ${deepJson(300)}}`), inputs: { reports: 'r/d.json' }, error: /^security-scan: r\/d\.json:1:\d+: nests deeper than 256 levels$/ },
  { name: 'report over max-report-size', setup: (ws) => write(ws, 'r/big.json', semgrep([semgrepResult({ message: 'm'.repeat(4096) })])), inputs: { reports: 'r/big.json', 'max-report-size': '2KiB' }, error: /^security-scan: r\/big\.json: is 4\.\d KiB, over the limit of 2\.0 KiB/ },
  {
    name: 'report with a duplicate key: the last one counts, as JSON.parse reads it',
    setup: (ws) => write(ws, 'r/dup.json', `{"results": [${JSON.stringify(semgrepResult({}))}], "errors": [], "results": []}`),
    inputs: { reports: 'r/dup.json' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('0');
    },
  },
  { name: 'baseline truncated', setup: (ws) => { write(ws, 'r/semgrep.json', semgrep([])); write(ws, 'b.json', '{"schema": "spikeformer-actions/security-scan", "findings": ['); }, inputs: { reports: 'r/semgrep.json', baseline: 'b.json' }, error: /^security-scan: b\.json:\d+:\d+: invalid JSON/ },
  { name: 'baseline nested 300 levels', setup: (ws) => { write(ws, 'r/semgrep.json', semgrep([])); write(ws, 'b.json', deepJson(300)); }, inputs: { reports: 'r/semgrep.json', baseline: 'b.json' }, error: /^security-scan: b\.json:1:\d+: nests deeper than 256 levels$/ },
  { name: 'suppressions: a YAML alias bomb', setup: (ws) => { write(ws, 'r/semgrep.json', semgrep([])); write(ws, 's.yml', ALIAS_BOMB); }, inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' }, error: /^security-scan: s\.yml: invalid YAML: Excessive alias count .*\(aliases expand past the limit\)$/ },
  { name: 'suppressions nested 300 levels', setup: (ws) => { write(ws, 'r/semgrep.json', semgrep([])); write(ws, 's.yml', deepJson(300)); }, inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' }, error: /^security-scan: s\.yml(:\d+:\d+)?: nests deeper than 256 levels$/ },
  { name: 'suppressions with a duplicate key', setup: (ws) => { write(ws, 'r/semgrep.json', semgrep([])); write(ws, 's.yml', '- rule: a\n  rule: b\n  reason: r\n'); }, inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' }, error: /^security-scan: s\.yml:2:\d+: invalid YAML: Map keys must be unique/ },
];

const NUMBERS_AND_ENUMS: Case[] = [
  { name: 'fail-on severe', inputs: { reports: 'x.json', 'fail-on': 'severe' }, error: /^security-scan: Input 'fail-on': / },
  { name: 'fail-on-new-only maybe', inputs: { reports: 'x.json', 'fail-on-new-only': 'maybe' }, error: /^security-scan: Input 'fail-on-new-only': / },
  { name: 'max-annotations -1', inputs: { reports: 'x.json', 'max-annotations': '-1' }, error: `${P}Input 'max-annotations': "-1" is below the minimum 0` },
  { name: 'max-annotations NaN', inputs: { reports: 'x.json', 'max-annotations': 'NaN' }, error: /^security-scan: Input 'max-annotations': / },
  ...['-5MB', 'NaN', 'Infinity', '1e999', '5constructor', '5toString'].map((v) => ({ name: `max-report-size ${v}`, inputs: { reports: 'x.json', 'max-report-size': v }, error: `${P}Input 'max-report-size': expected a size like 50MB or 256MiB, got ${JSON.stringify(v)}` })),
  {
    name: 'line numbers -5, 1e300, NaN text and 2147483648 in findings are dropped, not annotated',
    setup: (ws) => {
      write(ws, 'src/app.py', 'a\nb\nc\n');
      write(ws, 'r/semgrep.json', semgrep([-5, 1e300, 'NaN', 2147483648, 1.5].map((line, i) => semgrepResult({ line, check_id: `r${i}` }))));
    },
    inputs: { reports: 'r/semgrep.json', 'fail-on': 'none' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('5');
      const lines = r.annotations.filter((a) => a.file === 'src/app.py').map((a) => a.line);
      expect(lines.every((l) => l === undefined || (Number.isInteger(l) && l > 0 && l <= 2147483647)), JSON.stringify(lines)).toBe(true);
      for (const run of sarifOut(ws).runs) for (const res of run.results) {
        const line = res.locations?.[0]?.physicalLocation.region?.startLine;
        expect(line === undefined || (Number.isInteger(line) && line > 0 && line <= 2147483647), String(line)).toBe(true);
      }
    },
  },
  {
    name: 'severities, levels and ecosystems named like Object properties (constructor, toString) are unknown words',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([semgrepResult({ severity: 'constructor' })]));
      write(ws, 'r/x.sarif', sarif('R1', 'src/a.py', 'm', { level: 'constructor' }));
      write(ws, 'r/bandit.json', JSON.stringify({ errors: [], metrics: {}, results: [{ code: 'x', filename: 'src/a.py', issue_confidence: 'toString', issue_severity: 'constructor', issue_text: 't', line_number: 1, line_range: [1], test_id: 'B1', test_name: 'n' }] }));
      write(ws, 'r/grype.json', JSON.stringify({ descriptor: { name: 'grype' }, source: { type: 'directory' }, matches: [{ vulnerability: { id: 'CVE-2020-0003', severity: 'constructor' }, artifact: { name: 'p', version: '1', type: 'constructor' } }] }));
    },
    inputs: { reports: 'r/semgrep.json\nsarif:r/x.sarif\nr/bandit.json\nr/grype.json', 'fail-on': 'none' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('4');
      expect(['critical', 'high', 'medium', 'low', 'info'].reduce((n, k) => n + Number(r.outputs[k]), 0)).toBe(4);
      const levels = sarifOut(ws).runs.flatMap((run) => run.results.map((x) => (x as { level?: string }).level));
      expect(levels.every((l) => l === 'error' || l === 'warning' || l === 'note'), JSON.stringify(levels)).toBe(true);
    },
  },
  {
    name: 'an unknown severity and an invalid SARIF level count as the tool says nothing (not as critical)',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([semgrepResult({ severity: INJECTION })]));
      write(ws, 'r/x.sarif', sarif('R1', 'src/a.py', 'm', { level: 'catastrophic' }));
    },
    inputs: { reports: 'r/semgrep.json\nsarif:r/x.sarif', 'fail-on': 'critical' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.critical).toBe('0');
      expect(r.outputs.total).toBe('2');
    },
  },
];

const banditAt = (filename: string, testId = 'B101'): string =>
  JSON.stringify({ errors: [], metrics: {}, results: [{ code: '1 assert x\n', filename, issue_confidence: 'HIGH', issue_severity: 'LOW', issue_text: 'assert', line_number: 1, line_range: [1], test_id: testId, test_name: 'assert_used' }] });
const ruffSarif = (results: Array<{ ruleId: string; uri: string; message?: string }>): string =>
  JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'ruff', rules: results.map((x) => ({ id: x.ruleId })) } }, results: results.map((x) => ({ ruleId: x.ruleId, level: 'error', message: { text: x.message ?? 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: x.uri }, region: { startLine: 1 } } }] })) }],
  });
const warningsTitled = (r: RunResult, title: string): string[] => r.annotations.filter((a) => a.title === title).map((a) => a.message);

const REPORT_ROOTS_AND_RUFF: Case[] = [
  {
    name: 'report paths that do not exist, full of commands: the warning names them inert',
    setup: (ws) => write(ws, 'r/bandit.json', banditAt(`./${INJECTION}.py`)),
    inputs: { reports: 'r/bandit.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      const [warned, ...more] = warningsTitled(r, 'Report paths not in the workspace');
      expect(more).toEqual([]);
      expect(warned).toMatch(/^r\/bandit\.json: 1 of the 1 file\(s\) it names do not exist in the workspace, first :\u200b:error:\u200b:INJECTED/);
    },
  },
  {
    name: 'a report whose files exist only under a directory linked out of the workspace: not re-rooted there, warned',
    setup: (ws, out) => {
      write(out, 'app.py', 'assert x\n');
      link(ws, 'linked', out);
      write(ws, 'r/bandit.json', banditAt('./app.py'));
    },
    inputs: { reports: 'r/bandit.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(warningsTitled(r, 'Report paths re-rooted')).toEqual([]);
      expect(warningsTitled(r, 'Report paths not in the workspace')).toEqual(['r/bandit.json: 1 of the 1 file(s) it names do not exist in the workspace, first app.py; their annotations and SARIF locations point nowhere (run the scanner from the workspace root, or check out the scanned code)']);
      expectAnnotationsInside(r);
    },
  },
  {
    name: 'a report two directories could hold (a/app.py and b/app.py): ambiguous, not re-rooted, warned',
    setup: (ws) => {
      write(ws, 'a/app.py', 'assert x\n');
      write(ws, 'b/app.py', 'assert x\n');
      write(ws, 'r/bandit.json', banditAt('app.py'));
    },
    inputs: { reports: 'r/bandit.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(warningsTitled(r, 'Report paths re-rooted')).toEqual([]);
      expect(warningsTitled(r, 'Report paths not in the workspace')).toEqual(['r/bandit.json: 1 of the 1 file(s) it names do not exist in the workspace, first app.py; their annotations and SARIF locations point nowhere (run the scanner from the workspace root, or check out the scanned code)']);
    },
  },
  {
    name: 'a report naming .. and absolute paths elsewhere is neither re-rooted nor warned about (those are outside, never read)',
    setup: (ws) => {
      const result = (filename: string): unknown => (JSON.parse(banditAt(filename)) as { results: unknown[] }).results[0];
      write(ws, 'r/bandit.json', JSON.stringify({ errors: [], metrics: {}, results: [result('../../etc/passwd'), result('/etc/shadow')] }));
    },
    inputs: { reports: 'r/bandit.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(warningsTitled(r, 'Report paths re-rooted')).toEqual([]);
      expect(warningsTitled(r, 'Report paths not in the workspace')).toEqual([]);
      expectAnnotationsInside(r);
    },
  },
  {
    name: "ruff rule ids bandit has no test for (S999, S1010, S10, SX01) keep ruff's level; a ruff S101 on another line than bandit's B101 stays apart",
    setup: (ws) => {
      write(ws, 'src/a.py', 'assert x\nassert y\n');
      write(ws, 'r/bandit.json', banditAt('src/a.py'));
      const doc = JSON.parse(ruffSarif(['S999', 'S1010', 'S10', 'SX01'].map((ruleId) => ({ ruleId, uri: 'src/a.py', message: INJECTION })))) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
      const other = JSON.parse(ruffSarif([{ ruleId: 'S101', uri: 'src/a.py' }])) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }> };
      const moved = other.runs[0]?.results[0];
      if (moved?.locations[0]) moved.locations[0].physicalLocation.region.startLine = 2;
      doc.runs[0]?.results.push(moved as unknown as Record<string, unknown>);
      write(ws, 'r/ruff.sarif', JSON.stringify(doc));
    },
    inputs: { reports: 'r/bandit.json\nr/ruff.sarif', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs).toMatchObject({ total: '6', high: '4', low: '2' });
    },
  },
];

async function runCase(c: Case): Promise<{ r: RunResult; ws: string }> {
  const ws = mkdtempSync(path.join(tmpdir(), 'ss-hostile-'));
  const outside = outsideDir();
  c.setup?.(ws, outside);
  const r = await runBundledAction(ACTION, { workspace: ws, inputs: c.inputs, timeoutMs: 90_000 });
  expect(readdirSync(path.join(outside, 'sub'))).toEqual([]);
  expect(outputsText(ws)).not.toContain(OUTSIDE_CANARY);
  return { r, ws };
}

beforeAll(() => {
  ensureBundled(ACTION);
}, 600_000);

describe.each([
  ['injection in every field', INJECTION_IN_FIELDS],
  ['paths', PATHS],
  ['secrets', SECRETS],
  ['documents', DOCUMENTS],
  ['numbers and enums', NUMBERS_AND_ENUMS],
  ['report roots and ruff', REPORT_ROOTS_AND_RUFF],
])('security-scan hostile input: %s', (_, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { r, ws } = await runCase(c);
    if (c.error !== undefined) expectRefused(r, c.error);
    else {
      expectClean(r);
      c.check?.(r, ws);
    }
  }, 120_000);
});

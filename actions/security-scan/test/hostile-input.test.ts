import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ensureBundled,
  fixturePath,
  GitHubApiDouble,
  runBundledAction,
  sampleEvent,
  type RunResult,
} from '@spikeformer-actions/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectClean,
  expectRefused,
  INJECTION,
  OUTSIDE_CANARY,
  outsideDir,
  SECRET,
} from '@spikeformer-actions/testing/hostile';

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
  /** The event (default: a push without a payload); GitHub API calls go to the double. */
  event?: { name: string; payload: Record<string, unknown> };
}

const write = (ws: string, name: string, text: string | Buffer): void => {
  mkdirSync(path.dirname(path.join(ws, name)), { recursive: true });
  writeFileSync(path.join(ws, name), text);
};
const link = (ws: string, name: string, target: string): void => symlinkSync(target, path.join(ws, name));
const deepJson = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
  ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
].join('\n');

const semgrep = (results: unknown[]): string => JSON.stringify({ results, errors: [] });
const semgrepResult = (over: {
  check_id?: string;
  path?: string;
  message?: string;
  severity?: string;
  line?: unknown;
}): unknown => ({
  check_id: over.check_id ?? 'python.lang.security.audit.eval',
  path: over.path ?? 'src/app.py',
  start: { line: over.line ?? 1, col: 1 },
  end: { line: over.line ?? 1, col: 5 },
  extra: {
    message: over.message ?? 'eval of input',
    severity: over.severity ?? 'ERROR',
    lines: 'eval(x)',
    metadata: {},
  },
});
const sarif = (rule: string, uri: string, message: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: INJECTION, rules: [{ id: rule, shortDescription: { text: message } }] } },
        results: [
          {
            ruleId: rule,
            level: 'error',
            message: { text: message },
            locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: 2 } } }],
            ...extra,
          },
        ],
      },
    ],
  });

interface SarifOut {
  runs: Array<{
    tool: { driver: { name: string; rules?: Array<{ id: string }> } };
    results: Array<{
      ruleId: string;
      message: { text: string };
      locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine?: number } } }>;
    }>;
  }>;
}
const sarifOut = (ws: string): SarifOut =>
  JSON.parse(readFileSync(path.join(ws, 'security-scan.sarif'), 'utf8')) as SarifOut;
const uris = (ws: string): string[] =>
  sarifOut(ws)
    .runs.flatMap((r) => r.results.map((x) => x.locations?.[0]?.physicalLocation.artifactLocation.uri ?? ''))
    .sort();
const outputsText = (ws: string): string =>
  ['security-scan.sarif', 'security-scan.json']
    .map((f) => (existsSync(path.join(ws, f)) ? readFileSync(path.join(ws, f), 'utf8') : ''))
    .join('\n');

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
      write(
        ws,
        'r/semgrep.json',
        semgrep([
          semgrepResult({
            check_id: INJECTION,
            message: `${INJECTION} <img src=x onerror=alert(1)> | cell |`,
            path: 'src/app.py',
          }),
          semgrepResult({ path: `src/${INJECTION}.py`, message: 'm' }),
        ]),
      );
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
      write(
        ws,
        'r/bandit.json',
        JSON.stringify({
          generated_at: '2026-01-01T00:00:00Z',
          errors: [{ filename: INJECTION, reason: INJECTION }],
          metrics: {},
          results: [
            {
              code: INJECTION,
              filename: `./${INJECTION}.py`,
              issue_confidence: 'HIGH',
              issue_severity: 'HIGH',
              issue_text: INJECTION,
              line_number: 3,
              line_range: [3],
              test_id: INJECTION,
              test_name: INJECTION,
              issue_cwe: { id: 78, link: INJECTION },
            },
          ],
        }),
      ),
    inputs: { reports: 'r/bandit.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('1');
    },
  },
  {
    name: 'pip-audit: package name, version and vulnerability id with commands',
    setup: (ws) =>
      write(
        ws,
        'r/pip-audit.json',
        JSON.stringify({
          dependencies: [
            {
              name: INJECTION,
              version: INJECTION,
              vulns: [{ id: INJECTION, fix_versions: [INJECTION], description: INJECTION }],
            },
          ],
          fixes: [],
        }),
      ),
    inputs: { reports: 'r/pip-audit.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('1');
    },
  },
  {
    name: 'trivy: vulnerability id, package, title, target and misconfiguration with commands; CVSS -1, 1e308 and "NaN"',
    setup: (ws) =>
      write(
        ws,
        'r/trivy.json',
        JSON.stringify({
          SchemaVersion: 2,
          ArtifactName: INJECTION,
          Results: [
            {
              Target: INJECTION,
              Class: 'lang-pkgs',
              Type: 'pip',
              Vulnerabilities: [
                {
                  VulnerabilityID: INJECTION,
                  PkgName: INJECTION,
                  InstalledVersion: INJECTION,
                  FixedVersion: INJECTION,
                  Severity: 'HIGH',
                  Title: INJECTION,
                  PrimaryURL: `https://${SECRET}@avd.example/x`,
                  CVSS: { nvd: { V3Score: -1 } },
                },
                {
                  VulnerabilityID: 'CVE-2020-0001',
                  PkgName: 'a',
                  InstalledVersion: '1',
                  Severity: 'LOW',
                  CVSS: { nvd: { V3Score: 1e308 } },
                },
                {
                  VulnerabilityID: 'CVE-2020-0002',
                  PkgName: 'b',
                  InstalledVersion: '1',
                  Severity: INJECTION,
                  CVSS: { nvd: { V3Score: 'NaN' } },
                },
              ],
              Misconfigurations: [
                {
                  ID: INJECTION,
                  Title: INJECTION,
                  Message: INJECTION,
                  Severity: 'MEDIUM',
                  CauseMetadata: { StartLine: -3, EndLine: 1e300 },
                },
              ],
            },
          ],
        }),
      ),
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
      write(
        ws,
        'r/grype.json',
        JSON.stringify({
          descriptor: { name: 'grype' },
          source: { type: 'directory' },
          matches: [
            {
              vulnerability: {
                id: INJECTION,
                severity: INJECTION,
                description: INJECTION,
                urls: [INJECTION],
                fix: { versions: [INJECTION], state: INJECTION },
              },
              artifact: {
                name: INJECTION,
                version: INJECTION,
                type: 'python',
                locations: [{ path: `../../${INJECTION}` }],
              },
            },
          ],
        }),
      );
      write(
        ws,
        'r/npm.json',
        JSON.stringify({
          auditReportVersion: 2,
          vulnerabilities: {
            [INJECTION]: {
              name: INJECTION,
              severity: 'high',
              range: INJECTION,
              nodes: [INJECTION],
              fixAvailable: { name: INJECTION, version: INJECTION },
              via: [
                {
                  source: 1,
                  name: INJECTION,
                  title: INJECTION,
                  url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
                  severity: 'high',
                  range: INJECTION,
                  cvss: { score: -5 },
                },
              ],
            },
          },
          metadata: { vulnerabilities: { total: 1 } },
        }),
      );
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
    error:
      /^security-scan: s\.yml: entry 1: unknown field\(s\) ':\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED ⏎ :\u200b:stop-commands:\u200b:tok ⏎ #\u200b#\[error\]INJECTEDRED' \(allowed: /,
  },
  {
    name: 'suppressions: an expiry of 100,000 characters is quoted cut',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([semgrepResult({})]));
      write(ws, 's.yml', `- rule: x\n  reason: r\n  expires: "${'9'.repeat(100_000)}"\n`);
    },
    inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' },
    error:
      /^security-scan: s\.yml: entry 1: 'expires' must be a date YYYY-MM-DD, got '9{200}…' \(cut at 200 of 100000 characters\)$/,
  },
];

const SECRETS: Case[] = [
  {
    name: 'help links with credentials lose them in annotations, SARIF and JSON',
    setup: (ws) => {
      write(ws, 'src/a.py', 'a\nb\n');
      const doc = JSON.parse(sarif('R1', 'src/a.py', 'm')) as {
        runs: Array<{ tool: { driver: { rules: Array<Record<string, unknown>> } } }>;
      };
      const rule = doc.runs[0]?.tool.driver.rules[0];
      if (rule) rule.helpUri = `https://user:${SECRET}@rules.example.com/R1?token=${SECRET}`;
      write(ws, 'r/x.sarif', JSON.stringify(doc));
      write(
        ws,
        'r/bandit.json',
        JSON.stringify({
          errors: [],
          metrics: {},
          results: [
            {
              code: 'x',
              filename: 'src/a.py',
              issue_confidence: 'HIGH',
              issue_severity: 'HIGH',
              issue_text: 't',
              line_number: 1,
              line_range: [1],
              test_id: 'B1',
              test_name: 'n',
              more_info: `https://${SECRET}@bandit.example.com/b1`,
            },
          ],
        }),
      );
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
  {
    name: 'reports through ..',
    inputs: { reports: '../secret.json' },
    error: /^security-scan: Input 'reports': path '\.\.\/secret\.json' is outside the workspace/,
  },
  {
    name: 'reports absolute outside',
    inputs: { reports: '/etc/passwd' },
    error: /^security-scan: Input 'reports': .*outside the workspace/,
  },
  {
    name: 'reports a symlink out',
    setup: (ws, out) => link(ws, 'r.json', path.join(out, 'secret.json')),
    inputs: { reports: 'r.json' },
    error: /^security-scan: Input 'reports': .*(outside the workspace|no file matches)/,
  },
  {
    name: 'reports glob into a directory linked out',
    setup: (ws, out) => link(ws, 'rd', out),
    inputs: { reports: 'rd/*.json' },
    error: /^security-scan: Input 'reports': .*(outside the workspace|no file matches)/,
  },
  {
    name: 'baseline through ..',
    setup: (ws) => write(ws, 'r/semgrep.json', semgrep([])),
    inputs: { reports: 'r/semgrep.json', baseline: '../secret.json' },
    error: /^security-scan: Input 'baseline': .*outside the workspace/,
  },
  {
    name: 'baseline a symlink out',
    setup: (ws, out) => {
      write(ws, 'r/semgrep.json', semgrep([]));
      link(ws, 'b.json', path.join(out, 'secret.json'));
    },
    inputs: { reports: 'r/semgrep.json', baseline: 'b.json' },
    error: /^security-scan: Input 'baseline': .*outside the workspace/,
  },
  {
    name: 'suppressions absolute outside',
    setup: (ws) => write(ws, 'r/semgrep.json', semgrep([])),
    inputs: { reports: 'r/semgrep.json', suppressions: '/etc/hostname' },
    error: /^security-scan: Input 'suppressions': .*outside the workspace/,
  },
  {
    name: 'suppressions a symlink out',
    setup: (ws, out) => {
      write(ws, 'r/semgrep.json', semgrep([]));
      link(ws, 's.yml', path.join(out, 'secret.yml'));
    },
    inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' },
    error: /^security-scan: Input 'suppressions': .*outside the workspace/,
  },
  {
    name: 'sarif-output through ..',
    setup: (ws) => write(ws, 'r/semgrep.json', semgrep([])),
    inputs: { reports: 'r/semgrep.json', 'sarif-output': '../x.sarif' },
    error: /^security-scan: Input 'sarif-output': .*outside the workspace/,
  },
  {
    name: 'json-output in a directory linked out',
    setup: (ws, out) => {
      write(ws, 'r/semgrep.json', semgrep([]));
      link(ws, 'o', path.join(out, 'sub'));
    },
    inputs: { reports: 'r/semgrep.json', 'json-output': 'o/scan.json' },
    error: /^security-scan: Input 'json-output': .*outside the workspace/,
  },
  {
    name: 'finding locations through .., absolute and through a link out are never read nor annotated; SARIF points at the report',
    setup: (ws, out) => {
      link(ws, 'linked', out);
      write(ws, 'src/ok.py', 'ok = 1\nok = 2\n');
      write(
        ws,
        'r/semgrep.json',
        semgrep([
          semgrepResult({ path: '../../../../etc/passwd', check_id: 'r1' }),
          semgrepResult({ path: path.join(out, 'secret.txt'), check_id: 'r2' }),
          semgrepResult({ path: 'linked/secret.txt', check_id: 'r3' }),
          semgrepResult({ path: 'src/../../secret.txt', check_id: 'r4' }),
          semgrepResult({ path: 'file:///etc/passwd', check_id: 'r5' }),
          semgrepResult({ path: 'src/ok.py', check_id: 'r6' }),
        ]),
      );
    },
    inputs: { reports: 'r/semgrep.json', 'fail-on': 'none' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('6');
      expectAnnotationsInside(r);
      expect(
        r.annotations
          .filter((a) => a.file !== undefined && a.file !== 'r/semgrep.json')
          .map((a) => a.file)
          .sort(),
      ).toEqual(['linked/secret.txt', 'src/ok.py']);
      expect(uris(ws)).toEqual([
        'linked/secret.txt',
        'r/semgrep.json',
        'r/semgrep.json',
        'r/semgrep.json',
        'r/semgrep.json',
        'src/ok.py',
      ]);
    },
  },
];

const DOCUMENTS: Case[] = [
  {
    name: 'report truncated',
    setup: (ws) => write(ws, 'r/b.json', readFileSync(fixturePath('reports/bandit/bandit.json'), 'utf8').slice(0, 600)),
    inputs: { reports: 'r/b.json' },
    error: /^security-scan: r\/b\.json:\d+:\d+: invalid JSON/,
  },
  {
    name: 'report empty',
    setup: (ws) => write(ws, 'r/e.json', ''),
    inputs: { reports: 'r/e.json' },
    error: `${P}r/e.json:1:1: is empty, expected JSON`,
  },
  {
    name: 'report binary',
    setup: (ws) => write(ws, 'r/bin.json', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256))),
    inputs: { reports: 'r/bin.json' },
    error: /^security-scan: r\/bin\.json:1:1: invalid JSON/,
  },
  {
    name: 'report nested 300 levels',
    setup: (ws) => write(ws, 'r/d.json', `{"results": ${deepJson(300)}}`),
    inputs: { reports: 'r/d.json' },
    error: /^security-scan: r\/d\.json:1:\d+: nests deeper than 256 levels$/,
  },
  {
    name: 'report over max-report-size',
    setup: (ws) => write(ws, 'r/big.json', semgrep([semgrepResult({ message: 'm'.repeat(4096) })])),
    inputs: { reports: 'r/big.json', 'max-report-size': '2KiB' },
    error: /^security-scan: r\/big\.json: is 4\.\d KiB, over the limit of 2\.0 KiB/,
  },
  {
    name: 'report with a duplicate key: the last one counts, as JSON.parse reads it',
    setup: (ws) =>
      write(ws, 'r/dup.json', `{"results": [${JSON.stringify(semgrepResult({}))}], "errors": [], "results": []}`),
    inputs: { reports: 'r/dup.json' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('0');
    },
  },
  {
    name: 'baseline truncated',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([]));
      write(ws, 'b.json', '{"schema": "spikeformer-actions/security-scan", "findings": [');
    },
    inputs: { reports: 'r/semgrep.json', baseline: 'b.json' },
    error: /^security-scan: b\.json:\d+:\d+: invalid JSON/,
  },
  {
    name: 'baseline nested 300 levels',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([]));
      write(ws, 'b.json', deepJson(300));
    },
    inputs: { reports: 'r/semgrep.json', baseline: 'b.json' },
    error: /^security-scan: b\.json:1:\d+: nests deeper than 256 levels$/,
  },
  {
    name: 'suppressions: a YAML alias bomb',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([]));
      write(ws, 's.yml', ALIAS_BOMB);
    },
    inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' },
    error: /^security-scan: s\.yml: invalid YAML: Excessive alias count .*\(aliases expand past the limit\)$/,
  },
  {
    name: 'suppressions nested 300 levels',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([]));
      write(ws, 's.yml', deepJson(300));
    },
    inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' },
    error: /^security-scan: s\.yml(:\d+:\d+)?: nests deeper than 256 levels$/,
  },
  {
    name: 'suppressions with a duplicate key',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([]));
      write(ws, 's.yml', '- rule: a\n  rule: b\n  reason: r\n');
    },
    inputs: { reports: 'r/semgrep.json', suppressions: 's.yml' },
    error: /^security-scan: s\.yml:2:\d+: invalid YAML: Map keys must be unique/,
  },
];

const NUMBERS_AND_ENUMS: Case[] = [
  {
    name: 'fail-on severe',
    inputs: { reports: 'x.json', 'fail-on': 'severe' },
    error: /^security-scan: Input 'fail-on': /,
  },
  {
    name: 'fail-on-new-only maybe',
    inputs: { reports: 'x.json', 'fail-on-new-only': 'maybe' },
    error: /^security-scan: Input 'fail-on-new-only': /,
  },
  {
    name: 'max-annotations -1',
    inputs: { reports: 'x.json', 'max-annotations': '-1' },
    error: `${P}Input 'max-annotations': "-1" is below the minimum 0`,
  },
  {
    name: 'max-annotations NaN',
    inputs: { reports: 'x.json', 'max-annotations': 'NaN' },
    error: /^security-scan: Input 'max-annotations': /,
  },
  ...['-5MB', 'NaN', 'Infinity', '1e999', '5constructor', '5toString'].map((v) => ({
    name: `max-report-size ${v}`,
    inputs: { reports: 'x.json', 'max-report-size': v },
    error: `${P}Input 'max-report-size': expected a size like 50MB or 256MiB, got ${JSON.stringify(v)}`,
  })),
  {
    name: 'line numbers -5, 1e300, NaN text and 2147483648 in findings are dropped, not annotated',
    setup: (ws) => {
      write(ws, 'src/app.py', 'a\nb\nc\n');
      write(
        ws,
        'r/semgrep.json',
        semgrep([-5, 1e300, 'NaN', 2147483648, 1.5].map((line, i) => semgrepResult({ line, check_id: `r${i}` }))),
      );
    },
    inputs: { reports: 'r/semgrep.json', 'fail-on': 'none' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('5');
      const lines = r.annotations.filter((a) => a.file === 'src/app.py').map((a) => a.line);
      expect(
        lines.every((l) => l === undefined || (Number.isInteger(l) && l > 0 && l <= 2147483647)),
        JSON.stringify(lines),
      ).toBe(true);
      for (const run of sarifOut(ws).runs)
        for (const res of run.results) {
          const line = res.locations?.[0]?.physicalLocation.region?.startLine;
          expect(line === undefined || (Number.isInteger(line) && line > 0 && line <= 2147483647), String(line)).toBe(
            true,
          );
        }
    },
  },
  {
    name: 'severities, levels and ecosystems named like Object properties (constructor, toString) are unknown words',
    setup: (ws) => {
      write(ws, 'r/semgrep.json', semgrep([semgrepResult({ severity: 'constructor' })]));
      write(ws, 'r/x.sarif', sarif('R1', 'src/a.py', 'm', { level: 'constructor' }));
      write(
        ws,
        'r/bandit.json',
        JSON.stringify({
          errors: [],
          metrics: {},
          results: [
            {
              code: 'x',
              filename: 'src/a.py',
              issue_confidence: 'toString',
              issue_severity: 'constructor',
              issue_text: 't',
              line_number: 1,
              line_range: [1],
              test_id: 'B1',
              test_name: 'n',
            },
          ],
        }),
      );
      write(
        ws,
        'r/grype.json',
        JSON.stringify({
          descriptor: { name: 'grype' },
          source: { type: 'directory' },
          matches: [
            {
              vulnerability: { id: 'CVE-2020-0003', severity: 'constructor' },
              artifact: { name: 'p', version: '1', type: 'constructor' },
            },
          ],
        }),
      );
    },
    inputs: { reports: 'r/semgrep.json\nsarif:r/x.sarif\nr/bandit.json\nr/grype.json', 'fail-on': 'none' },
    check: (r, ws) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs.total).toBe('4');
      expect(['critical', 'high', 'medium', 'low', 'info'].reduce((n, k) => n + Number(r.outputs[k]), 0)).toBe(4);
      const levels = sarifOut(ws).runs.flatMap((run) => run.results.map((x) => (x as { level?: string }).level));
      expect(
        levels.every((l) => l === 'error' || l === 'warning' || l === 'note'),
        JSON.stringify(levels),
      ).toBe(true);
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
  JSON.stringify({
    errors: [],
    metrics: {},
    results: [
      {
        code: '1 assert x\n',
        filename,
        issue_confidence: 'HIGH',
        issue_severity: 'LOW',
        issue_text: 'assert',
        line_number: 1,
        line_range: [1],
        test_id: testId,
        test_name: 'assert_used',
      },
    ],
  });
const ruffSarif = (results: Array<{ ruleId: string; uri: string; message?: string }>): string =>
  JSON.stringify({
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ruff', rules: results.map((x) => ({ id: x.ruleId })) } },
        results: results.map((x) => ({
          ruleId: x.ruleId,
          level: 'error',
          message: { text: x.message ?? 'm' },
          locations: [{ physicalLocation: { artifactLocation: { uri: x.uri }, region: { startLine: 1 } } }],
        })),
      },
    ],
  });
const warningsTitled = (r: RunResult, title: string): string[] =>
  r.annotations.filter((a) => a.title === title).map((a) => a.message);

const REPORT_ROOTS_AND_RUFF: Case[] = [
  {
    name: 'report paths that do not exist, full of commands: the warning names them inert',
    setup: (ws) => write(ws, 'r/bandit.json', banditAt(`./${INJECTION}.py`)),
    inputs: { reports: 'r/bandit.json', 'fail-on': 'none' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      const [warned, ...more] = warningsTitled(r, 'Report paths not in the workspace');
      expect(more).toEqual([]);
      expect(warned).toMatch(
        /^r\/bandit\.json: 1 of the 1 file\(s\) it names do not exist in the workspace, first :\u200b:error:\u200b:INJECTED/,
      );
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
      expect(warningsTitled(r, 'Report paths not in the workspace')).toEqual([
        'r/bandit.json: 1 of the 1 file(s) it names do not exist in the workspace, first app.py; their annotations and SARIF locations point nowhere (run the scanner from the workspace root, or check out the scanned code)',
      ]);
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
      expect(warningsTitled(r, 'Report paths not in the workspace')).toEqual([
        'r/bandit.json: 1 of the 1 file(s) it names do not exist in the workspace, first app.py; their annotations and SARIF locations point nowhere (run the scanner from the workspace root, or check out the scanned code)',
      ]);
    },
  },
  {
    name: 'a report naming .. and absolute paths elsewhere is neither re-rooted nor warned about (those are outside, never read)',
    setup: (ws) => {
      const result = (filename: string): unknown =>
        (JSON.parse(banditAt(filename)) as { results: unknown[] }).results[0];
      write(
        ws,
        'r/bandit.json',
        JSON.stringify({ errors: [], metrics: {}, results: [result('../../etc/passwd'), result('/etc/shadow')] }),
      );
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
      const doc = JSON.parse(
        ruffSarif(['S999', 'S1010', 'S10', 'SX01'].map((ruleId) => ({ ruleId, uri: 'src/a.py', message: INJECTION }))),
      ) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
      const other = JSON.parse(ruffSarif([{ ruleId: 'S101', uri: 'src/a.py' }])) as {
        runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }>;
      };
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

// PR comment inputs and the workflow_run mode: `comment-from` names a JSON output a fork's pull
// request run uploaded, so its path, size, shape and every string in it are hostile.
const TOKEN = 'ghs_hostileCommentToken0123456789';
const HEAD = 'abcdef0123456789abcdef0123456789abcdef01';
const OTHER_HEAD = '2222222222222222222222222222222222222222';
const FROM = 'artifact/security-scan.json';

const forker = (): Record<string, unknown> => ({
  ...((sampleEvent('workflow_run', { action: 'completed' })['repository'] as Record<string, unknown>)[
    'owner'
  ] as Record<string, unknown>),
  login: 'forker',
  gravatar_id: '',
  type: 'User',
});
const workflowRun = (over: Record<string, unknown> = {}): { name: string; payload: Record<string, unknown> } => ({
  name: 'workflow_run',
  payload: sampleEvent('workflow_run', {
    action: 'completed',
    workflow_run: {
      id: 4242,
      event: 'pull_request',
      head_sha: HEAD,
      head_branch: 'feature',
      head_repository: {
        ...(sampleEvent('workflow_run', { action: 'completed' })['repository'] as Record<string, unknown>),
        owner: forker(),
      },
      pull_requests: [],
      ...over,
    },
  }),
});
const pullRequestEvent = (number: number): { name: string; payload: Record<string, unknown> } => ({
  name: 'pull_request',
  payload: sampleEvent('pull_request', {
    action: 'synchronize',
    number,
    pull_request: { number, head: { sha: HEAD, ref: 'feature' } },
  }),
});

/** A valid security-scan JSON output for HEAD with one new high finding, fields overridden. */
const scanJson = (over: Record<string, unknown> = {}, finding: Record<string, unknown> = {}): string =>
  JSON.stringify({
    schema: 'spikeformer-actions/security-scan',
    version: 2,
    generatedAt: '2026-01-01T00:00:00Z',
    commit: HEAD,
    status: 'failed',
    gate: { failOn: 'high', newOnly: false, reason: '1 finding(s) at or above high (1 high)', failing: 1 },
    counts: { critical: 0, high: 1, medium: 0, low: 0, info: 0, total: 1, new: 1, fixed: 0, suppressed: 0 },
    findings: [
      {
        state: 'new',
        fingerprint: 'f1',
        rule: 0,
        message: 0,
        severity: 'high',
        location: { path: 'src/a.py', line: 3 },
        ...finding,
      },
    ],
    suppressed: [],
    fixed: [],
    rules: [{ id: 'R1' }],
    messages: ['m'],
    ...over,
  });
const from =
  (text: string | Buffer) =>
  (ws: string): void =>
    write(ws, FROM, text);
const fromInputs = (extra: Record<string, string> = {}): Record<string, string> => ({ 'comment-from': FROM, ...extra });
const fileError = (problem: string): string => `${P}${FROM}: ${problem}`;
const commentOn = (issue: number): string =>
  double.state.commentsOn('spikeformer', 'spikeformer-kit', issue).at(-1)?.body ?? '';

const COMMENT_INPUTS: Case[] = [
  {
    name: 'comment: not a boolean',
    inputs: { reports: 'r.json', comment: 'maybe' },
    error: `${P}Input 'comment': expected true or false, got "maybe"`,
  },
  {
    name: 'github-token with a line break (header injection)',
    inputs: { reports: 'r.json', 'github-token': `${SECRET}\n::warning::x` },
    error: "security-scan: Input 'github-token': contains whitespace or a control character",
  },
  {
    name: 'a secret token refused by GitHub (403) is named nowhere, the notice names pull-requests: write',
    setup: (ws) => {
      write(ws, 'r.json', semgrep([semgrepResult({ message: INJECTION })]));
      double.fail('issues/create-comment', 403, 'Resource not accessible by integration', 1);
    },
    inputs: { reports: 'r.json', 'github-token': SECRET, 'fail-on': 'none' },
    event: pullRequestEvent(31),
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.annotations.filter((a) => a.title === 'Security scan comment').map((a) => a.message)).toEqual([
        expect.stringMatching(
          /^No PR comment: GitHub refused the comment \(403: Resource not accessible by integration.*\); the token needs pull-requests: write, and a pull request from a fork gets a read-only token$/,
        ),
      ]);
      expect(r.masks).toContain(SECRET);
    },
  },
  {
    name: 'report strings full of commands and markup reach the PR comment escaped',
    setup: (ws) =>
      write(
        ws,
        'r.json',
        semgrep([
          semgrepResult({
            check_id: `@org/team ${INJECTION}`,
            message: `<script>alert(1)</script> @octocat ${INJECTION}`,
            path: 'src/<img src=x>.py',
          }),
        ]),
      ),
    inputs: { reports: 'r.json', 'fail-on': 'none' },
    event: pullRequestEvent(32),
    check: (r) => {
      expect(r.exitCode).toBe(0);
      const body = commentOn(32);
      expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(body).not.toMatch(/<script|<img|@octocat|@org|\n::/);
      expect(body).not.toContain('\u001b');
      expect(body).toContain('/blob/abcdef0123456789abcdef0123456789abcdef01/src/%3Cimg%20src%3Dx%3E.py#L1');
    },
  },
];

const COMMENT_FROM: Case[] = [
  {
    name: 'comment-from: .. traversal',
    inputs: fromInputs({ 'comment-from': '../secret.json' }),
    event: workflowRun(),
    error:
      /^security-scan: Input 'comment-from': path '\.\.\/secret\.json' is outside the workspace \/tmp\/ss-hostile-\w+$/,
  },
  {
    name: 'comment-from: an absolute path outside',
    inputs: fromInputs({ 'comment-from': '/etc/passwd' }),
    event: workflowRun(),
    error: /^security-scan: Input 'comment-from': path '\/etc\/passwd' is outside the workspace \/tmp\/ss-hostile-\w+$/,
  },
  {
    name: 'comment-from: a symlink out of the workspace',
    setup: (ws, outside) => {
      mkdirSync(path.join(ws, 'artifact'));
      link(ws, FROM, path.join(outside, 'secret.json'));
    },
    inputs: fromInputs(),
    event: workflowRun(),
    error: `${P}Input 'comment-from': path '${FROM}' leads through a symlink outside the workspace`,
  },
  {
    name: 'comment-from: a missing file',
    inputs: fromInputs(),
    event: workflowRun(),
    error: `${P}${FROM}: cannot be read (ENOENT)`,
  },
  {
    name: 'comment-from: an empty file',
    setup: from(''),
    inputs: fromInputs(),
    event: workflowRun(),
    error: `${P}${FROM}:1:1: is empty, expected JSON`,
  },
  {
    name: 'comment-from: truncated JSON',
    setup: from(scanJson().slice(0, 60)),
    inputs: fromInputs(),
    event: workflowRun(),
    error: `${P}${FROM}:1:61: invalid JSON: Unterminated string`,
  },
  {
    name: 'comment-from: binary',
    setup: from(Buffer.from([0, 159, 146, 150, 0, 255])),
    inputs: fromInputs(),
    event: workflowRun(),
    error: /^security-scan: artifact\/security-scan\.json:1:1: invalid JSON: Unexpected token/,
  },
  {
    name: 'comment-from: nested 300 levels',
    setup: from(deepJson(300)),
    inputs: fromInputs(),
    event: workflowRun(),
    error: `${P}${FROM}:1:257: nests deeper than 256 levels`,
  },
  {
    name: 'comment-from: larger than max-report-size',
    setup: from(scanJson({ pad: 'x'.repeat(4096) })),
    inputs: fromInputs({ 'max-report-size': '2KiB' }),
    event: workflowRun(),
    error: `${P}${FROM}: is 4.6 KiB, over the limit of 2.0 KiB`,
  },
  {
    name: 'comment-from: not a security-scan output',
    setup: from('{"runs": []}'),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('is not a JSON output of security-scan (expected "schema": "spikeformer-actions/security-scan")'),
  },
  {
    name: 'comment-from: an unknown version',
    setup: from(scanJson({ version: 99 })),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('has version 99; a comment is built from version 2'),
  },
  {
    name: 'comment-from: no commit',
    setup: from(scanJson({ commit: null })),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('names no commit ("commit": the scanned commit, 40 lowercase hex digits)'),
  },
  {
    name: 'comment-from: a commit full of commands',
    setup: from(scanJson({ commit: INJECTION })),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('names no commit ("commit": the scanned commit, 40 lowercase hex digits)'),
  },
  {
    name: 'comment-from: status not an enum value',
    setup: from(scanJson({ status: INJECTION })),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('"status" is neither passed nor failed'),
  },
  {
    name: 'comment-from: a negative count',
    setup: from(
      scanJson({
        counts: { critical: 0, high: -1, medium: 0, low: 0, info: 0, total: 1, new: 1, fixed: 0, suppressed: 0 },
      }),
    ),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('"counts.high" is not a whole number of findings'),
  },
  {
    name: 'comment-from: an infinite count (1e400)',
    setup: from(scanJson().replace('"critical":0', '"critical":1e400')),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('"counts.critical" is not a whole number of findings'),
  },
  {
    name: 'comment-from: a count as text ("NaN")',
    setup: from(scanJson().replace('"low":0', '"low":"NaN"')),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('"counts.low" is not a whole number of findings'),
  },
  {
    name: 'comment-from: findings not a list',
    setup: from(scanJson({ findings: { a: 1 } })),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('"findings" is not a list'),
  },
  {
    name: 'comment-from: a finding that is not an object',
    setup: from(scanJson({ findings: ['x'] })),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('findings[0] is not an object'),
  },
  {
    name: 'comment-from: a severity off the enum',
    setup: from(scanJson({}, { severity: 'apocalyptic' })),
    inputs: fromInputs(),
    event: workflowRun(),
    error: fileError('findings[0].severity is not one of critical, high, medium, low, info'),
  },
  {
    name: 'comment-from: results for another commit are refused before any call',
    setup: from(scanJson({ commit: OTHER_HEAD })),
    inputs: fromInputs(),
    event: workflowRun(),
    error: `${P}the results are for commit ${OTHER_HEAD}, but the workflow run ran on ${HEAD}: refusing to post them`,
  },
  {
    name: 'comment-from: a push event',
    setup: from(scanJson()),
    inputs: fromInputs(),
    event: { name: 'push', payload: sampleEvent('push', { ref: 'refs/heads/main' }) },
    error: `${P}a comment from an earlier run needs a workflow_run event (on: workflow_run)`,
  },
  {
    name: 'comment-from: a workflow_run of a push',
    setup: from(scanJson()),
    inputs: fromInputs(),
    event: workflowRun({ event: 'push' }),
    error: `${P}the workflow run was triggered by "push", not by a pull request: nothing to comment on`,
  },
  {
    name: 'comment-from with comment: false',
    setup: from(scanJson()),
    inputs: fromInputs({ comment: 'false' }),
    event: workflowRun(),
    error: `${P}Input 'comment-from': is set but comment is false: there would be nothing to do`,
  },
  {
    name: 'comment-from: every string full of commands, markup and mentions, paths out, reaches the comment escaped and bounded',
    setup: from(
      scanJson({
        gate: { reason: `<img src=x onerror=alert(1)> @org/admins ${INJECTION}` },
        rules: [{ id: `[click](javascript:alert(1)) ${INJECTION}` }],
        messages: [`${'A'.repeat(5000)} ${INJECTION}`],
        findings: [
          {
            state: 'new',
            fingerprint: 'f1',
            rule: 0,
            message: 0,
            severity: 'critical',
            location: { path: '../../etc/passwd', line: 1 },
          },
          {
            state: 'new',
            fingerprint: 'f2',
            rule: 7,
            message: -1,
            severity: 'high',
            location: { path: '/abs/x.py', line: 'NaN' },
          },
          {
            state: 'new',
            fingerprint: 'f3',
            rule: 0,
            message: 0,
            severity: 'low',
            location: { path: 'src/ok.py', line: 0, endLine: -4 },
          },
          { state: 'existing', fingerprint: 'f4', rule: 0, message: 0, severity: 'low' },
        ],
      }),
    ),
    inputs: fromInputs(),
    event: workflowRun(),
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(
        /PR comment (created|updated): https:\/\/github\.com\/spikeformer\/spikeformer-kit\/pull\/12#issuecomment-\d+/,
      );
      const body = commentOn(12);
      expect(body).not.toMatch(/<img|<script|@org|\]\(javascript|\n::|etc\/passwd"|\/abs\/x\.py"/);
      expect(body).not.toContain('\u001b');
      expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(body).toContain('<summary>New findings (3)</summary>');
      // Paths out of the repository are not linked; a message is cut to 200 characters.
      expect(body).not.toContain(
        'href="https://github.com/spikeformer/spikeformer-kit/blob/abcdef0123456789abcdef0123456789abcdef01/..',
      );
      expect(body).toContain(
        `<a href="https://github.com/spikeformer/spikeformer-kit/blob/${HEAD}/src/ok.py">src/ok.py</a>`,
      );
      expect(body.length).toBeLessThan(4000);
      double.assertNoViolations();
    },
  },
];

async function runCase(c: Case): Promise<{ r: RunResult; ws: string }> {
  const ws = mkdtempSync(path.join(tmpdir(), 'ss-hostile-'));
  const outside = outsideDir();
  c.setup?.(ws, outside);
  const r = await runBundledAction(ACTION, {
    workspace: ws,
    inputs: c.inputs,
    timeoutMs: 90_000,
    ...(c.event === undefined ? {} : { eventName: c.event.name, event: c.event.payload }),
    env: { GITHUB_API_URL: double.url, GITHUB_TOKEN: TOKEN },
  });
  expect(readdirSync(path.join(outside, 'sub'))).toEqual([]);
  expect(outputsText(ws)).not.toContain(OUTSIDE_CANARY);
  return { r, ws };
}

let double: GitHubApiDouble;
beforeAll(async () => {
  ensureBundled(ACTION);
  double = new GitHubApiDouble();
  await double.start();
  double.state.pulls.push({
    number: 12,
    owner: 'spikeformer',
    repo: 'spikeformer-kit',
    headOwner: 'forker',
    headBranch: 'feature',
    headSha: HEAD,
  });
}, 600_000);
afterAll(async () => {
  await double.close();
});

describe.each([
  ['injection in every field', INJECTION_IN_FIELDS],
  ['paths', PATHS],
  ['secrets', SECRETS],
  ['documents', DOCUMENTS],
  ['numbers and enums', NUMBERS_AND_ENUMS],
  ['report roots and ruff', REPORT_ROOTS_AND_RUFF],
  ['PR comment inputs', COMMENT_INPUTS],
  ['comment-from (an uploaded JSON output)', COMMENT_FROM],
])('security-scan hostile input: %s', (_, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const { r, ws } = await runCase(c);
      if (c.error !== undefined) expectRefused(r, c.error);
      else {
        expectClean(r);
        c.check?.(r, ws);
      }
    },
    120_000,
  );
});

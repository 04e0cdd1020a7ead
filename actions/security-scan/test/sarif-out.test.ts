import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { analyse } from '../src/analyse.js';
import { arr, obj } from '../src/json-access.js';
import type { RawFinding } from '../src/model.js';
import { buildSarif, SARIF_LIMITS, type SarifEntry } from '../src/sarif-out.js';
import { fixtureJson, noSource, parseDoc, parseFixture } from './helpers.js';

// The SARIF 2.1.0 schema (rtm.5, draft-04) as shipped by @microsoft/jest-sarif.
const require = createRequire(import.meta.url);
const schema = JSON.parse(
  readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
) as object;
// The schema's language pattern is not valid in unicode mode; ajv compiles patterns without the u flag.
const ajv = new AjvDraft04.default({ allErrors: false, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

function expectValid(text: string): void {
  const ok = validate(JSON.parse(text));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

const ALL = [
  'bandit/bandit.json',
  'semgrep/many_findings.json',
  'semgrep/repeated_findings.json',
  'safety/v2-safety-2.4.json',
  'safety/v3-scan-schema-3.0.json',
  'pip-audit/many_vulns_new_format.json',
  'pip-audit/zero_vulns_new_format.json',
  'trivy/fs-pip-misconfig-secrets.json',
  'trivy/image-alpine-jar.json',
  'grype/many_vulns4.json',
  'grype/same_cve_different_paths.json',
  'npm-audit/npm7-many_vulns.json',
  'npm-audit/npm6-many_vuln.json',
  'sarif/codeql-2.5.4.sarif',
  'sarif/eslint.sarif',
  'sarif/semgrep-0.17.0-owasp-benchmark.sarif',
  'sarif/trivy-alpine-310.sarif',
];

interface RuleText {
  id: string;
  fullDescription?: { text?: string };
  help?: { text?: string; markdown?: string };
  helpUri?: string;
}

describe('rule texts (GitHub shows them when triaging; SARIF Multitool rule GH2012)', () => {
  const log = JSON.parse(
    buildSarif(entriesOf(ALL.flatMap((f) => parseFixture(f).findings)), { toolVersion: '1.0.0' }).text,
  ) as { runs: Array<{ tool: { driver: { name: string; rules: RuleText[] } } }> };
  const rules = log.runs.flatMap((r) => r.tool.driver.rules.map((rule) => ({ tool: r.tool.driver.name, rule })));

  it('every rule of the merged SARIF of every fixture has a non-empty fullDescription and help', () => {
    expect(rules.length).toBeGreaterThan(100);
    const missing = rules
      .filter(({ rule }) => !rule.fullDescription?.text?.trim() || !rule.help?.text?.trim())
      .map(({ tool, rule }) => `${tool} ${rule.id}`);
    expect(missing).toEqual([]);
  });

  it("uses the tool's own rule text where the report has it", () => {
    const codeql = rules.find(({ tool, rule }) => tool === 'codeql' && rule.id === 'py/sql-injection')?.rule;
    expect(codeql?.fullDescription?.text).toBe(
      'Building a SQL query from user-controlled sources is vulnerable to insertion of malicious SQL code by the user.',
    );
    expect(codeql?.help?.text).toBe(
      'Building a SQL query from user-controlled sources is vulnerable to insertion of malicious SQL code by the user. See https://codeql.github.com/codeql-query-help/python/py-sql-injection/',
    );
    expect(codeql?.helpUri).toBe('https://codeql.github.com/codeql-query-help/python/py-sql-injection/');
    const trivy = rules.find(({ rule }) => rule.id === 'CVE-2019-1549')?.rule;
    expect(trivy?.fullDescription?.text).toMatch(/^OpenSSL 1\.1\.1 introduced a rewritten random number generator/);
    expect(trivy?.help?.text).toMatch(/^Vulnerability CVE-2019-1549\n/);
    const grype = rules.find(({ tool, rule }) => tool === 'grype' && rule.id === 'CVE-1999-1338')?.rule;
    expect(grype?.fullDescription?.text).toMatch(
      /^Delegate proxy 5\.9\.3 and earlier creates files and directories in the DGROOT/,
    );
  });

  it('derives a sentence from the rule id and tool otherwise, with a link where one is known', () => {
    const bandit = rules.find(({ tool, rule }) => tool === 'bandit' && rule.id === 'B101')?.rule;
    expect(bandit?.fullDescription?.text).toBe('bandit rule B101 (assert_used).');
    expect(bandit?.help?.text).toBe(
      'bandit rule B101 (assert_used). See https://bandit.readthedocs.io/en/latest/plugins/b101_assert_used.html',
    );
    const eslint = rules.find(({ tool, rule }) => tool === 'eslint' && rule.id === 'no-unused-vars')?.rule;
    expect(eslint?.fullDescription?.text).toBe('eslint rule no-unused-vars.');
    expect(eslint?.help?.text).toBe(
      'eslint rule no-unused-vars. See https://eslint.org/docs/latest/rules/no-unused-vars',
    );
  });
});

function entriesOf(raw: RawFinding[]): SarifEntry[] {
  const a = analyse(raw, { failOn: 'high', newOnly: false, today: '2026-01-01', lines: noSource, suppressions: [] });
  return [
    ...a.active.map((finding) => ({ finding })),
    ...a.suppression.suppressed.map((s) => ({ finding: s.finding, suppression: s.reason })),
  ];
}

interface SarifRun {
  automationDetails?: { id?: string };
  tool: { driver: { name: string; rules: Array<{ properties: Record<string, unknown> }> } };
  results: Array<Record<string, unknown>>;
}

describe('merged SARIF', () => {
  it('of every fixture validates against the SARIF 2.1.0 schema, one run per tool with distinct categories', () => {
    // The validator is real: a run without its tool is refused.
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
    const raw = ALL.flatMap((f) => parseFixture(f).findings);
    const build = buildSarif(entriesOf(raw), { toolVersion: '1.0.0' });
    expectValid(build.text);
    const log = JSON.parse(build.text) as { runs: SarifRun[] };
    const tools = log.runs.map((r) => r.tool.driver.name);
    expect(tools).toEqual([
      'bandit',
      'codeql',
      'eslint',
      'grype',
      'npm-audit',
      'pip-audit',
      'safety',
      'semgrep',
      'trivy',
    ]);
    const categories = log.runs.map((r) => r.automationDetails?.id);
    expect(new Set(categories).size).toBe(log.runs.length);
    for (const run of log.runs) {
      for (const rule of run.tool.driver.rules)
        expect(Number(rule.properties['security-severity'])).toBeGreaterThanOrEqual(0);
      for (const result of run.results)
        expect(obj(result.partialFingerprints)?.['securityScanFingerprint/v1']).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(build.trimmed).toEqual([]);
    // ESLint's in-source suppression travels as a SARIF suppression.
    const eslint = log.runs.find((r) => r.tool.driver.name === 'eslint');
    expect(eslint?.results.filter((r) => arr(r.suppressions).length > 0)).toHaveLength(1);
  }, 30_000);

  it('with > 30,000 results keeps GitHub limits: ≤ 25,000 per run (most severe kept), reported, valid', () => {
    const base = parseFixture('sarif/semgrep-0.17.0-owasp-benchmark.sarif').findings;
    const many: RawFinding[] = [];
    for (let copy = 0; copy < 20; copy++)
      for (const f of base)
        many.push({
          ...f,
          location: f.location ? { ...f.location, path: `copy${copy}/${f.location.path}` } : undefined,
        });
    const bandit = parseFixture('bandit/bandit.json').findings;
    expect(many.length).toBeGreaterThan(30_000);
    const entries = entriesOf([...many, ...bandit]);
    const build = buildSarif(entries, { toolVersion: '1.0.0' });
    const log = JSON.parse(build.text) as { runs: SarifRun[] };
    expect(log.runs.length).toBeLessThanOrEqual(SARIF_LIMITS.runs);
    const semgrep = log.runs.find((r) => r.tool.driver.name === 'semgrep');
    expect(semgrep?.results).toHaveLength(25_000);
    expect(log.runs.find((r) => r.tool.driver.name === 'bandit')?.results).toHaveLength(19);
    expect(build.trimmed).toHaveLength(1);
    expect(build.trimmed[0]).toContain('kept the 25000 most severe');
    // Most severe kept: every dropped semgrep finding is at most as severe as the least severe kept one.
    const levels = semgrep?.results.map((r) => r.level) ?? [];
    const dropped = many.length - 25_000;
    expect(dropped).toBeGreaterThan(0);
    const rank: Record<string, number> = { error: 2, warning: 1, note: 0 };
    for (let i = 1; i < levels.length; i++)
      expect(rank[String(levels[i])]).toBeLessThanOrEqual(rank[String(levels[i - 1])] ?? 0);
    expect(gzipSync(build.text).length).toBeLessThanOrEqual(SARIF_LIMITS.gzipBytes);
    expectValid(build.text);
  }, 60_000);

  it('folds tools beyond 20 runs into one shared run and says so', () => {
    const bandit = parseFixture('bandit/bandit.json').findings;
    const raw = Array.from({ length: 23 }, (_, i) =>
      bandit.map((f) => ({ ...f, tool: `tool-${String(i).padStart(2, '0')}` })),
    ).flat();
    const build = buildSarif(entriesOf(raw), { toolVersion: '1.0.0' });
    const log = JSON.parse(build.text) as { runs: SarifRun[] };
    expect(log.runs).toHaveLength(20);
    expect(log.runs.reduce((n, r) => n + r.results.length, 0)).toBe(23 * 19);
    expect(build.trimmed[0]).toMatch(/23 tools exceed GitHub's 20 runs/);
    expectValid(build.text);
  }, 30_000);

  it('trims to the gzipped size limit, least severe first, and reports it', () => {
    const raw = parseFixture('sarif/semgrep-0.17.0-owasp-benchmark.sarif').findings;
    const build = buildSarif(entriesOf(raw), { toolVersion: '1.0.0', limits: { gzipBytes: 20_000 } });
    expect(gunzipSync(gzipSync(build.text)).length).toBe(Buffer.byteLength(build.text));
    expect(gzipSync(build.text, { level: 1 }).length).toBeLessThanOrEqual(20_000);
    expect(build.results).toBeLessThan(1768);
    expect(build.results).toBeGreaterThan(0);
    expect(build.trimmed.some((t) => t.includes('gzipped limit'))).toBe(true);
    expectValid(build.text);
  }, 30_000);

  it('hostile messages (workflow commands, markup) stay plain data inside valid SARIF', () => {
    const doc = obj(fixtureJson('semgrep/many_findings.json')) ?? {};
    const results = arr(doc.results).map((r) => ({
      ...(obj(r) ?? {}),
      extra: {
        ...(obj(obj(r)?.extra) ?? {}),
        message: '::set-output name=status::passed\n<script>alert(1)</script> ##[error]x',
      },
    }));
    const raw = parseDoc({ ...doc, results }, 'hostile.json').findings;
    const build = buildSarif(entriesOf(raw), { toolVersion: '1.0.0' });
    expectValid(build.text);
    expect(build.text).toContain('::set-output');
  });
});

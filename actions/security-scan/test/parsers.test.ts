import { describe, expect, it } from 'vitest';
import { arr, obj } from '../src/json-access.js';
import { banditLine } from '../src/parsers/bandit.js';
import { countBy, fixtureJson, merge, parseDoc, parseFixture } from './helpers.js';

// Expected counts come from each tool's own report: totals where the tool prints them
// (bandit metrics._totals, safety report_meta / remediation.vulnerabilities_found, npm audit
// metadata), otherwise the length of the arrays that hold findings (noted per test).

describe('bandit', () => {
  it('reads every result of bandit.json with the documented severities', () => {
    const doc = obj(fixtureJson('bandit/bandit.json'));
    const totals = obj(obj(doc?.metrics)?._totals) ?? {};
    const expected = ['SEVERITY.HIGH', 'SEVERITY.MEDIUM', 'SEVERITY.LOW', 'SEVERITY.UNDEFINED'].reduce(
      (n, k) => n + Number(totals[k]),
      0,
    );
    const r = parseFixture('bandit/bandit.json');
    expect(r.shape).toBe('bandit');
    expect(expected).toBe(19);
    expect(r.findings).toHaveLength(expected);
    expect(countBy(r.findings, (f) => f.severity)).toEqual({
      high: totals['SEVERITY.HIGH'],
      medium: totals['SEVERITY.MEDIUM'],
      low: totals['SEVERITY.LOW'],
    });
    const b412 = r.findings.find((f) => f.ruleId === 'B412' && f.location?.line === 3489);
    expect(b412?.severity).toBe('high');
    expect(b412?.location).toMatchObject({ path: 'bottle.py', inWorkspace: true });
    const b101 = r.findings.find((f) => f.ruleId === 'B101' && f.location?.path === 'test/tools.py');
    expect(b101).toMatchObject({ severity: 'low', category: 'sast' });
    expect(b101?.location?.line).toBe(63);
    const pickle = r.findings.find((f) => f.location?.line === 99);
    expect(pickle?.snippet?.trim()).toBe('import pickle');
  });

  it("takes each finding's own numbered row out of bandit's code excerpt", () => {
    const results = arr(obj(fixtureJson('bandit/bandit.json'))?.results).map((x) => obj(x) ?? {});
    expect(results).toHaveLength(19);
    for (const r of results) {
      const code = String(r.code);
      const line = Number(r.line_number);
      // The row of the excerpt that starts with the line number, as bandit prints it.
      const row = code.split('\n').find((x) => x.split(/\s/, 1)[0] === String(line));
      expect(row, `${String(r.filename)}:${line}`).toBeDefined();
      expect(banditLine(code, line)).toBe(row?.slice(String(line).length + 1));
    }
    // Line 9 is not the row of line 99 (a number's prefix), nor is a line the excerpt lacks found.
    expect(banditLine('98 a\n99 import pickle\n100 b\n', 9)).toBeUndefined();
    expect(banditLine('98 a\n99 import pickle\n100 b\n', 99)).toBe('import pickle');
    expect(banditLine('98 a\n99 import pickle\n100 b', 100)).toBe('b');
  });
});

describe('semgrep', () => {
  it('reads many_findings.json (results[] length 3, errors[] empty)', () => {
    const r = parseFixture('semgrep/many_findings.json');
    expect(r.shape).toBe('semgrep');
    expect(r.findings).toHaveLength(arr(obj(fixtureJson('semgrep/many_findings.json'))?.results).length);
    expect(r.findings).toHaveLength(3);
    expect(countBy(r.findings, (f) => f.severity)).toEqual({ medium: 2, low: 1 });
    expect(r.findings[0]?.cwes).toEqual(['CWE-696']);
    expect(r.notes).toEqual([]);
  });
  it('reads repeated_findings.json: two identical results, one finding after dedup', () => {
    const r = parseFixture('semgrep/repeated_findings.json');
    expect(r.findings).toHaveLength(2);
    const merged = merge(r.findings);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.occurrences).toBe(2);
  });
  it('keeps semgrep errors as notes', () => {
    const doc = {
      ...(obj(fixtureJson('semgrep/many_findings.json')) ?? {}),
      errors: [{ level: 'warn', type: 'Syntax error', message: 'could not parse x.py', path: 'x.py' }],
    };
    const r = parseDoc(doc, 'semgrep.json');
    expect(r.findings).toHaveLength(3);
    expect(r.notes).toEqual(['semgrep warn in x.py: could not parse x.py']);
  });
});

describe('safety', () => {
  it('reads safety 2.4 JSON (report_meta.vulnerabilities_found 1)', () => {
    const r = parseFixture('safety/v2-safety-2.4.json');
    expect(r.shape).toBe('safety-2');
    expect(r.findings).toHaveLength(
      Number(obj(obj(fixtureJson('safety/v2-safety-2.4.json'))?.report_meta)?.vulnerabilities_found),
    );
    expect(r.findings[0]).toMatchObject({ severity: 'medium', category: 'dependency', ruleId: 'PYUP-25853' });
    expect(r.findings[0]?.package).toMatchObject({ ecosystem: 'pypi', name: 'insecure-package', version: '0.1.0' });
  });
  it('reads safety 3 scan JSON (remediation.vulnerabilities_found 58) with CVSS severities', () => {
    const r = parseFixture('safety/v3-scan-schema-3.0.json');
    expect(r.shape).toBe('safety-3');
    expect(r.findings).toHaveLength(58);
    const byId = new Map(r.findings.map((f) => [f.ruleId, f]));
    expect(byId.get('CVE-2022-41323')).toMatchObject({ severity: 'high', cvss: 7.5 });
    // No CVSS v3: the CVSS v2 score 5.0 on v2 bands.
    expect(byId.get('CVE-2015-8213')).toMatchObject({ severity: 'medium', cvss: 5 });
    expect(r.findings.every((f) => f.package?.name === 'django' && f.package.version === '1.8.0')).toBe(true);
    const sev = countBy(r.findings, (f) => f.severity);
    expect(sev.critical).toBe(5);
    expect(sev.low).toBeGreaterThanOrEqual(1);
  });
});

describe('pip-audit', () => {
  it('reads the new format: 7 vulnerabilities over 4 packages, skip reasons kept', () => {
    const doc = obj(fixtureJson('pip-audit/many_vulns_new_format.json'));
    const expected = arr(doc?.dependencies).reduce<number>((n, d) => n + arr(obj(d)?.vulns).length, 0);
    const r = parseFixture('pip-audit/many_vulns_new_format.json');
    expect(r.shape).toBe('pip-audit');
    expect(expected).toBe(7);
    expect(r.findings).toHaveLength(expected);
    expect(r.findings.every((f) => f.severity === 'medium')).toBe(true);
    expect(r.findings.find((f) => f.ruleId === 'PYSEC-2021-439')?.package).toMatchObject({
      name: 'django',
      version: '3.2.9',
      fixedVersions: ['2.2.25', '3.1.14', '3.2.10'],
    });
    expect(r.notes.some((n) => n.includes('azure-devops'))).toBe(true);
  });
  it('reads zero_vulns_new_format.json as no finding', () => {
    const r = parseFixture('pip-audit/zero_vulns_new_format.json');
    expect(r.findings).toHaveLength(0);
    expect(r.notes).toHaveLength(1);
  });
  it('reads the old top-level list shape', () => {
    const doc = arr(obj(fixtureJson('pip-audit/many_vulns_new_format.json'))?.dependencies).filter(
      (d) => arr(obj(d)?.vulns).length > 0,
    );
    const r = parseFixture('pip-audit/many_vulns_new_format.json');
    const old = parseFixtureDoc(doc);
    expect(old.shape).toBe('pip-audit');
    expect(old.findings.map((f) => f.ruleId)).toEqual(r.findings.map((f) => f.ruleId));
  });
});

function parseFixtureDoc(doc: unknown): ReturnType<typeof parseDoc> {
  return parseDoc(doc, 'old-pip-audit.json');
}

describe('trivy', () => {
  it('reads the filesystem report: 2 vulnerabilities, 1 failed misconfiguration, 2 secrets', () => {
    const r = parseFixture('trivy/fs-pip-misconfig-secrets.json');
    expect(r.shape).toBe('trivy');
    expect(countBy(r.findings, (f) => f.category)).toEqual({ dependency: 2, misconfiguration: 1, secret: 2 });
    const urllib = r.findings.find((f) => f.ruleId === 'CVE-2021-33503');
    expect(urllib).toMatchObject({ severity: 'high', cvss: 7.5 });
    expect(urllib?.package).toMatchObject({
      ecosystem: 'pypi',
      name: 'urllib3',
      version: '1.26.3',
      fixedVersions: ['1.26.5'],
    });
    expect(r.findings.find((f) => f.ruleId === 'DS002')).toMatchObject({
      severity: 'high',
      location: { path: 'Dockerfile' },
    });
    const secrets = r.findings.filter((f) => f.category === 'secret');
    expect(secrets.map((s) => [s.location?.path, s.location?.line, s.severity])).toEqual([
      ['Dockerfile', 24, 'critical'],
      ['secret.txt', 1, 'critical'],
    ]);
  });
  it('reads the image report: alpine and jar vulnerabilities (3 + 2)', () => {
    const r = parseFixture('trivy/image-alpine-jar.json');
    expect(r.findings).toHaveLength(5);
    expect(r.findings.every((f) => f.category === 'container')).toBe(true);
    expect(r.findings.find((f) => f.ruleId === 'CVE-2020-28196')).toMatchObject({ severity: 'high' });
    expect(r.findings.find((f) => f.ruleId === 'CVE-2018-1324')?.package).toMatchObject({
      ecosystem: 'maven',
      name: 'org.apache.commons:commons-compress',
    });
  });
});

describe('grype', () => {
  it('reads many_vulns4.json (matches[] length 9) with the documented severities', () => {
    const r = parseFixture('grype/many_vulns4.json');
    expect(r.shape).toBe('grype');
    expect(r.findings).toHaveLength(9);
    const byId = new Map(r.findings.map((f) => [f.ruleId, f]));
    expect(byId.get('CVE-2021-29940')).toMatchObject({ severity: 'critical', cvss: 9.8 });
    expect(byId.get('CVE-2021-32626')?.package).toMatchObject({ ecosystem: 'pypi', name: 'redis', version: '3.5.3' });
    expect(byId.get('GHSA-8v27-2fg9-7h62')?.vulnIds).toEqual(['GHSA-8v27-2fg9-7h62', 'CVE-2021-23334']);
    expect(countBy(r.findings, (f) => f.severity)).toEqual({ critical: 2, high: 2, medium: 5 });
  });
  it('merges one CVE found at several paths into one finding listing both paths', () => {
    const r = parseFixture('grype/same_cve_different_paths.json');
    expect(r.findings).toHaveLength(2);
    const merged = merge(r.findings);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      ruleId: 'CVE-2021-33574',
      severity: 'critical',
      category: 'container',
      occurrences: 2,
    });
    expect(merged[0]?.package?.paths.sort()).toEqual([
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
    ]);
  });
});

describe('npm audit', () => {
  it('reads npm 7+ JSON: 3 root advisories (metadata total 6 includes 3 propagated packages)', () => {
    const doc = obj(fixtureJson('npm-audit/npm7-many_vulns.json'));
    const roots = Object.values(obj(doc?.vulnerabilities) ?? {}).filter((v) =>
      arr(obj(v)?.via).some((x) => obj(x) !== undefined),
    );
    const r = parseFixture('npm-audit/npm7-many_vulns.json');
    expect(r.shape).toBe('npm-audit-7');
    expect(obj(obj(doc?.metadata)?.vulnerabilities)?.total).toBe(6);
    expect(r.findings).toHaveLength(roots.length);
    expect(r.findings).toHaveLength(3);
    const byName = new Map(r.findings.map((f) => [f.package?.name, f]));
    expect(byName.get('debug')).toMatchObject({ severity: 'medium', ruleId: 'GHSA-gxpj-cx7g-858c', cvss: 5.3 });
    expect(byName.get('undici')).toMatchObject({ severity: 'low' });
  });
  it('reads npm 6 JSON: 5 advisories whose 15 paths match metadata.vulnerabilities', () => {
    const doc = obj(fixtureJson('npm-audit/npm6-many_vuln.json'));
    const meta = obj(obj(doc?.metadata)?.vulnerabilities) ?? {};
    const r = parseFixture('npm-audit/npm6-many_vuln.json');
    expect(r.shape).toBe('npm-audit-6');
    expect(r.findings).toHaveLength(Object.keys(obj(doc?.advisories) ?? {}).length);
    const pathsBySeverity: Record<string, number> = {};
    for (const f of r.findings)
      pathsBySeverity[f.toolSeverity] = (pathsBySeverity[f.toolSeverity] ?? 0) + (f.package?.paths.length ?? 0);
    expect(pathsBySeverity).toEqual({ high: meta.high, low: meta.low, moderate: meta.moderate });
    expect(r.findings.find((f) => f.package?.name === 'negotiator')).toMatchObject({
      ruleId: 'CVE-2016-10539',
      severity: 'high',
    });
  });
});

describe('SARIF', () => {
  it.each([
    ['sarif/codeql-2.5.4.sarif', 'codeql', 72],
    ['sarif/eslint.sarif', 'eslint', 23],
    ['sarif/semgrep-0.17.0-owasp-benchmark.sarif', 'semgrep', 1768],
    ['sarif/trivy-alpine-310.sarif', 'trivy', 4],
  ])(
    '%s: every result of runs[].results',
    (file, tool, expected) => {
      const doc = obj(fixtureJson(file));
      const count = arr(doc?.runs).reduce<number>((n, run) => n + arr(obj(run)?.results).length, 0);
      const r = parseFixture(file);
      expect(r.shape).toBe('sarif');
      expect(count).toBe(expected);
      expect(r.findings).toHaveLength(expected);
      expect(r.findings.every((f) => f.tool === tool)).toBe(true);
    },
    30_000,
  );
  it('resolves rule indexes, levels and artifact paths (CodeQL)', () => {
    const r = parseFixture('sarif/codeql-2.5.4.sarif');
    const first = r.findings[0];
    // No result level: the rule's defaultConfiguration.level note → low.
    expect(first).toMatchObject({ ruleId: 'py/empty-except', severity: 'low', toolFingerprint: '9cbc869fbfffeb60:1' });
    expect(first?.location).toMatchObject({ path: 'good/db_init.py', line: 39, column: 5, inWorkspace: true });
    expect(first?.snippet?.trim()).toBe('except FileNotFoundError:');
  });
  it('maps security-severity (trivy) and ESLint levels; keeps in-source suppressions', () => {
    const trivy = parseFixture('sarif/trivy-alpine-310.sarif');
    expect(trivy.findings.every((f) => f.severity === 'medium' && f.cvss === 5.3 && f.category === 'dependency')).toBe(
      true,
    );
    const eslint = parseFixture('sarif/eslint.sarif');
    expect(countBy(eslint.findings, (f) => f.severity)).toEqual({ high: 18, medium: 5 });
    expect(eslint.findings.filter((f) => f.suppressedBy !== undefined).map((f) => f.ruleId)).toEqual(['no-console']);
    expect(eslint.findings.every((f) => f.location?.inWorkspace && !f.location.path.startsWith('/'))).toBe(true);
  });
  it('semgrep SARIF rules without level default to their defaultConfiguration', () => {
    const r = parseFixture('sarif/semgrep-0.17.0-owasp-benchmark.sarif');
    const sev = countBy(r.findings, (f) => f.severity);
    expect(Object.values(sev).reduce((a, b) => a + b, 0)).toBe(1768);
    expect(Object.keys(sev).every((s) => ['high', 'medium', 'low'].includes(s))).toBe(true);
  });
});

describe('tool-side suppressions and passed checks', () => {
  it('keeps policy-ignored and nosemgrep findings as suppressed, and skips passed checks', () => {
    const safety = structuredClone(obj(fixtureJson('safety/v3-scan-schema-3.0.json')) ?? {});
    const project = obj(arr(obj(safety.scan_results)?.projects)[0]);
    const file = obj(arr(project?.files)[0]);
    const dependency = obj(arr(obj(file?.results)?.dependencies)[0]);
    const spec = obj(arr(dependency?.specifications)[0]);
    const first = obj(arr(obj(spec?.vulnerabilities)?.known_vulnerabilities)[0]);
    if (first) first.ignored = { code: 'manual', reason: 'not reachable', expires: null };
    const ignored = parseDoc(safety, 'safety.json').findings.filter((f) => f.suppressedBy !== undefined);
    expect(ignored.map((f) => [f.ruleId, f.suppressedBy])).toEqual([
      ['CVE-2022-41323', 'safety policy: not reachable'],
    ]);

    const semgrep = structuredClone(obj(fixtureJson('semgrep/many_findings.json')) ?? {});
    const extra = obj(obj(arr(semgrep.results)[2])?.extra);
    if (extra) extra.is_ignored = true;
    expect(parseDoc(semgrep, 'semgrep.json').findings.map((f) => f.suppressedBy)).toEqual([
      undefined,
      undefined,
      'nosemgrep comment',
    ]);

    const trivy = structuredClone(obj(fixtureJson('trivy/fs-pip-misconfig-secrets.json')) ?? {});
    const mis = obj(arr(obj(arr(trivy.Results)[1])?.Misconfigurations)[0]);
    if (mis) mis.Status = 'PASS';
    expect(parseDoc(trivy, 'trivy.json').findings.filter((f) => f.category === 'misconfiguration')).toHaveLength(0);

    const sarif = structuredClone(obj(fixtureJson('sarif/trivy-alpine-310.sarif')) ?? {});
    const result = obj(arr(obj(arr(sarif.runs)[0])?.results)[0]);
    if (result) result.kind = 'pass';
    expect(parseDoc(sarif, 'trivy.sarif').findings).toHaveLength(3);
  });
});

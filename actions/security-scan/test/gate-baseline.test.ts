import { describe, expect, it } from 'vitest';
import { analyse, type AnalyseOptions } from '../src/analyse.js';
import { parseBaseline } from '../src/baseline.js';
import { FAIL_ON, judge } from '../src/gate.js';
import { renderJson } from '../src/json-out.js';
import type { RawFinding } from '../src/model.js';
import { parseSuppressions } from '../src/suppressions.js';
import { noSource, parseFixture } from './helpers.js';

const FILES = [
  'bandit/bandit.json',
  'trivy/fs-pip-misconfig-secrets.json',
  'grype/many_vulns4.json',
  'npm-audit/npm7-many_vulns.json',
  'sarif/eslint.sarif',
];
const raw = (): RawFinding[] => FILES.flatMap((f) => parseFixture(f).findings);
const options = (extra: Partial<AnalyseOptions> = {}): AnalyseOptions => ({
  failOn: 'high',
  newOnly: false,
  today: '2026-06-01',
  lines: noSource,
  suppressions: [],
  ...extra,
});

function roundTrip(a: ReturnType<typeof analyse>): unknown {
  return JSON.parse(
    renderJson(a, { generatedAt: '2026-06-01T00:00:00Z', failOn: 'high', newOnly: false, reports: [] }),
  ) as unknown;
}

describe('gate', () => {
  it('fails at each fail-on level exactly when a finding at or above it exists', () => {
    const a = analyse(raw(), options());
    // The fixture set: critical (trivy secrets, grype), high, medium, low; no info.
    expect(a.counts.critical).toBeGreaterThan(0);
    expect(a.counts.info).toBe(0);
    const expected: Record<string, number> = {
      critical: a.counts.critical,
      high: a.counts.critical + a.counts.high,
      medium: a.counts.critical + a.counts.high + a.counts.medium,
      low: a.counts.total,
      info: a.counts.total,
      none: 0,
    };
    for (const level of FAIL_ON) {
      const d = judge(a.active, a.comparison.state, level, false);
      expect(d.failing.length, level).toBe(expected[level]);
      expect(d.status, level).toBe(level === 'none' ? 'passed' : 'failed');
    }
  });

  it('passes at every level when only low findings remain, except low and info', () => {
    const lows = raw().filter((f) => f.severity === 'low');
    const a = analyse(lows, options());
    expect(a.counts.total).toBeGreaterThan(0);
    const statuses = FAIL_ON.map((l) => judge(a.active, a.comparison.state, l, false).status);
    expect(statuses).toEqual(['passed', 'passed', 'passed', 'failed', 'failed', 'passed']);
  });
});

describe('baseline', () => {
  it("round trip: a second run against the first run's JSON has 0 new findings and passes with fail-on-new-only", () => {
    const first = analyse(raw(), options());
    expect(first.counts.new).toBe(first.counts.total);
    const baseline = parseBaseline(roundTrip(first), 'security-scan.json');
    expect(baseline.length).toBe(first.counts.total + first.counts.suppressed);
    const second = analyse(raw(), options({ baseline, newOnly: true }));
    expect(second.counts.new).toBe(0);
    expect(second.counts.fixed).toBe(0);
    expect(second.decision.status).toBe('passed');
    // Without new-only the same findings still fail the gate.
    expect(analyse(raw(), options({ baseline })).decision.status).toBe('failed');
  });

  it('reports fixed findings and flags only added ones as new', () => {
    const all = raw();
    const withoutBandit = all.filter((f) => f.tool !== 'bandit');
    const baseline = parseBaseline(roundTrip(analyse(all, options())), 'b.json');
    const later = analyse(
      [...withoutBandit, ...parseFixture('semgrep/many_findings.json').findings],
      options({ baseline, newOnly: true }),
    );
    expect(later.counts.fixed).toBe(19);
    expect(later.comparison.fixed.every((f) => f.tools.includes('bandit'))).toBe(true);
    expect(later.counts.new).toBe(3);
    // The three new semgrep findings are medium/low: the high gate passes on new only.
    expect(later.decision.status).toBe('passed');
    expect(
      analyse(
        [...withoutBandit, ...parseFixture('semgrep/many_findings.json').findings],
        options({ baseline, newOnly: true, failOn: 'medium' }),
      ).decision.failing,
    ).toHaveLength(2);
  });

  it('JSON version 2 lists rules and messages once; findings point into them; version 1 baselines are still read', () => {
    const a = analyse(raw(), options());
    type Row = Record<string, unknown>;
    const doc = roundTrip(a) as {
      version: number;
      rules: Array<{ id: string; name?: string; helpUrl?: string }>;
      messages: string[];
      findings: Row[];
      suppressed: Array<{ finding: Row }>;
    };
    expect(doc.suppressed.length).toBeGreaterThan(0);
    expect(doc.version).toBe(2);
    // Every finding's rule, message and description resolve to the analysed finding's own values.
    expect(doc.findings).toHaveLength(a.active.length);
    a.active.forEach((f, i) => {
      const row = doc.findings[i] ?? {};
      expect(row.fingerprint).toBe(f.fingerprint);
      const rule = doc.rules[Number(row.rule)];
      expect(rule?.id).toBe(f.ruleId);
      expect(rule?.helpUrl).toBe(f.helpUrl);
      expect(typeof row.message === 'number' ? doc.messages[row.message] : row.message).toBe(f.message);
      if (f.description !== undefined) expect(doc.messages[Number(row.description)]).toBe(f.description);
    });
    // The tables hold each text once.
    expect(new Set(doc.messages).size).toBe(doc.messages.length);
    expect(doc.rules.length).toBeLessThan(a.active.length);
    // A version 1 file (ruleId in each finding) gives the same baseline.
    const toV1 = ({ rule, ...rest }: Row): Row => ({ ...rest, ruleId: doc.rules[Number(rule)]?.id });
    const v1 = {
      ...doc,
      version: 1,
      findings: doc.findings.map(toV1),
      suppressed: doc.suppressed.map((x) => ({ ...x, finding: toV1(x.finding) })),
    };
    expect(parseBaseline(v1, 'v1.json')).toEqual(parseBaseline(doc, 'v2.json'));
    expect(parseBaseline(v1, 'v1.json').every((e) => e.ruleId !== '')).toBe(true);
  });

  it('refuses a file that is not a security-scan JSON output', () => {
    expect(() => parseBaseline({ findings: [] }, 'old.json')).toThrow(
      /old\.json: is not a JSON output of security-scan/,
    );
    expect(() => parseBaseline({ schema: 'spikeformer-actions/security-scan', version: 99 }, 'old.json')).toThrow(
      /version 99/,
    );
  });
});

describe('suppressions', () => {
  const yaml = (today: string): ReturnType<typeof parseSuppressions> =>
    parseSuppressions(
      {
        suppressions: [
          { id: 'cve-2021-33503', reason: 'urllib3 is only used offline', expires: '2026-03-31' },
          { rule: 'B101', path: 'test/**', reason: 'asserts are fine in tests' },
          { rule: 'DS002', reason: 'rootless runtime', expires: new Date(`${today}T00:00:00Z`) },
          { rule: 'no-such-rule', reason: 'left over' },
        ],
      },
      'suppressions.yml',
    );

  it('suppresses by id, rule+path glob; expired entries stop suppressing and are reported; unused are reported', () => {
    const before = analyse(raw(), options({ today: '2026-03-31', suppressions: yaml('2026-03-31') }));
    const after = analyse(raw(), options({ today: '2026-04-01', suppressions: yaml('2026-03-31') }));
    const reasons = (a: typeof before): string[] => a.suppression.suppressed.map((s) => s.reason).sort();
    // On its expiry day the CVE entry still suppresses; the next day it does not.
    expect(reasons(before)).toEqual([
      'asserts are fine in tests',
      'in source (inSource)',
      'rootless runtime',
      'urllib3 is only used offline',
    ]);
    expect(reasons(after)).toEqual(['asserts are fine in tests', 'in source (inSource)']);
    expect(after.suppression.expired.map((e) => [e.entry.index, e.matched])).toEqual([
      [1, 1],
      [3, 1],
    ]);
    expect(after.counts.total).toBe(before.counts.total + 2);
    expect(before.suppression.unused.map((u) => u.rule)).toEqual(['no-such-rule']);
    expect(before.suppression.used.find((u) => u.entry.rule === 'B101')?.count).toBe(1);
  });

  it('suppresses by fingerprint', () => {
    const a = analyse(raw(), options());
    const target = a.active[0];
    const b = analyse(
      raw(),
      options({
        suppressions: parseSuppressions([{ fingerprint: target?.fingerprint, reason: 'accepted risk' }], 's.yml'),
      }),
    );
    expect(b.active.find((f) => f.fingerprint === target?.fingerprint)).toBeUndefined();
    expect(b.counts.suppressed).toBe(a.counts.suppressed + 1);
  });

  it('rejects entries without reason, without a matcher, with unknown fields or bad dates, naming the entry', () => {
    expect(() => parseSuppressions([{ rule: 'B101' }], 's.yml')).toThrow("s.yml: entry 1: 'reason' is required");
    expect(() => parseSuppressions([{ reason: 'x', rule: 'B1' }, { reason: 'why' }], 's.yml')).toThrow(
      's.yml: entry 2: give at least one of fingerprint, rule, id or path',
    );
    expect(() => parseSuppressions([{ reason: 'x', rul: 'B1' }], 's.yml')).toThrow(/unknown field\(s\) 'rul'/);
    expect(() => parseSuppressions([{ reason: 'x', rule: 'B1', expires: 'next week' }], 's.yml')).toThrow(
      /'expires' must be a date/,
    );
    expect(() => parseSuppressions('just text', 's.yml')).toThrow(/expected a list of suppressions/);
  });
});

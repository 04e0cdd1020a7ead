import { describe, expect, it } from 'vitest';
import { arr, obj } from '../src/json-access.js';
import type { RawFinding } from '../src/model.js';
import { fixtureJson, merge, parseDoc, parseFixture } from './helpers.js';

/**
 * Cross-tool reports of the same vulnerability. The trivy report is the real fixture; the
 * pip-audit and grype reports are built from the real fixtures' shapes (a pip-audit entry of
 * many_vulns_new_format.json, a grype match of many_vulns4.json) re-pointed at trivy's urllib3
 * 1.26.3 / CVE-2021-33503, the way those tools report it (PYSEC and GHSA ids with CVE aliases).
 */
function crossToolReports(): RawFinding[] {
  const trivy = parseFixture('trivy/fs-pip-misconfig-secrets.json').findings;

  const pip = obj(fixtureJson('pip-audit/many_vulns_new_format.json')) ?? {};
  const dep = { ...(obj(arr(pip.dependencies).find((d) => arr(obj(d)?.vulns).length > 0)) ?? {}) };
  dep.name = 'urllib3';
  dep.version = '1.26.3';
  dep.vulns = [
    {
      id: 'PYSEC-2021-108',
      fix_versions: ['1.26.5'],
      aliases: ['CVE-2021-33503', 'GHSA-q2q7-5pp4-w6pg'],
      description: 'catastrophic backtracking in URL authority parsing',
    },
    { id: 'PYSEC-2021-59', fix_versions: ['1.26.4'], aliases: ['CVE-2021-28363', 'GHSA-5phf-pp7p-vc2r'] },
  ];
  const pipAudit = parseDoc({ dependencies: [dep], fixes: [] }, 'pip-audit.json').findings;

  const grypeDoc = obj(fixtureJson('grype/many_vulns4.json')) ?? {};
  const redis = obj(arr(grypeDoc.matches).find((m) => obj(obj(m)?.artifact)?.name === 'redis')) ?? {};
  const match = structuredClone(redis);
  match.vulnerability = {
    ...(obj(match.vulnerability) ?? {}),
    id: 'GHSA-q2q7-5pp4-w6pg',
    namespace: 'github:language:python',
    severity: 'High',
  };
  match.relatedVulnerabilities = [{ id: 'CVE-2021-33503', namespace: 'nvd:cpe' }];
  match.artifact = {
    ...(obj(match.artifact) ?? {}),
    name: 'urllib3',
    version: '1.26.3',
    purl: 'pkg:pypi/urllib3@1.26.3',
    locations: [{ path: '/requirements.txt' }],
  };
  const grype = parseDoc({ ...grypeDoc, matches: [match] }, 'grype.json').findings;
  return [...trivy, ...pipAudit, ...grype];
}

describe('dependency dedup across tools', () => {
  it('one CVE from trivy, pip-audit and grype is one finding listing all three tools', () => {
    const raw = crossToolReports();
    const merged = merge(raw);
    const cve = merged.find((f) => f.vulnIds.includes('CVE-2021-33503'));
    expect(cve?.tools).toEqual(['grype', 'pip-audit', 'trivy']);
    expect(cve?.ruleId).toBe('CVE-2021-33503');
    expect(cve?.vulnIds[0]).toBe('CVE-2021-33503');
    expect(cve?.vulnIds).toEqual(expect.arrayContaining(['PYSEC-2021-108', 'GHSA-q2q7-5pp4-w6pg']));
    expect(cve?.occurrences).toBe(3);
    // The most severe report wins: trivy and grype say high, pip-audit has no severity.
    expect(cve?.severity).toBe('high');
    const second = merged.find((f) => f.vulnIds.includes('CVE-2021-28363'));
    expect(second?.tools).toEqual(['pip-audit', 'trivy']);
    const depFindings = merged.filter((f) => f.package !== undefined);
    expect(depFindings).toHaveLength(2);
    // Code findings of the trivy report are untouched: 1 misconfiguration + 2 secrets.
    expect(merged.filter((f) => f.package === undefined)).toHaveLength(3);
  });

  it('the merged fingerprint does not depend on which tools reported or in what order', () => {
    // Fresh reports for each merge: merging takes the raw findings over.
    const all = merge(crossToolReports()).find((f) => f.vulnIds.includes('CVE-2021-33503'));
    const reversed = merge(crossToolReports().reverse()).find((f) => f.vulnIds.includes('CVE-2021-33503'));
    const trivyOnly = merge(crossToolReports().filter((f) => f.tool === 'trivy')).find((f) =>
      f.vulnIds.includes('CVE-2021-33503'),
    );
    expect(reversed?.fingerprint).toBe(all?.fingerprint);
    expect(trivyOnly?.fingerprint).toBe(all?.fingerprint);
  });

  it('does not merge the same CVE in different package versions or packages', () => {
    const raw = crossToolReports();
    const other = raw
      .filter((f) => f.tool === 'trivy' && f.ruleId === 'CVE-2021-33503')
      .map((f) => ({ ...f, package: f.package ? { ...f.package, version: '1.26.4' } : undefined }));
    const merged = merge([...raw, ...(other as RawFinding[])]);
    expect(merged.filter((f) => f.vulnIds.includes('CVE-2021-33503'))).toHaveLength(2);
  });

  it('merges a GHSA-only advisory with a CVE report through the alias set', () => {
    const grype = parseFixture('grype/many_vulns4.json').findings;
    const staticEval = grype.find((f) => f.ruleId === 'GHSA-8v27-2fg9-7h62');
    expect(staticEval).toBeDefined();
    const asCve: RawFinding = {
      ...(staticEval as RawFinding),
      tool: 'trivy',
      ruleId: 'CVE-2021-23334',
      vulnIds: ['CVE-2021-23334'],
    };
    const merged = merge([...grype, asCve]);
    const one = merged.filter((f) => f.vulnIds.includes('CVE-2021-23334'));
    expect(one).toHaveLength(1);
    expect(one[0]?.tools).toEqual(['grype', 'trivy']);
    expect(one[0]?.ruleId).toBe('CVE-2021-23334');
    expect(merged).toHaveLength(9);
  });
});

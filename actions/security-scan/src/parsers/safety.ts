import { severityFromCvss, type RawFinding, type Severity } from '../model.js';
import { uniqueIds } from '../identifiers.js';
import { arr, cvssScore, obj, str, strings, type JsonObject } from '../json-access.js';
import { advisoryText, dependencyMessage, packageRef, severityWord } from './dependency-helpers.js';
import type { ParseContext, ParseResult } from './types.js';

export function looksLikeSafetyV2(doc: JsonObject): boolean {
  return Array.isArray(doc.vulnerabilities) && obj(doc.report_meta) !== undefined;
}

export function looksLikeSafetyV3(doc: JsonObject): boolean {
  return obj(doc.scan_results) !== undefined && /^3\./.test(str(obj(doc.meta)?.schema_version) ?? '');
}

/**
 * Safety's severity: CVSS v3 base severity (score) when present, else the CVSS v2 score on
 * v2 bands (≥7 high, ≥4 medium, else low), else medium: without an API key safety gives none.
 */
function severityOf(holder: JsonObject | undefined): { severity: Severity; word: string; cvss?: number } {
  const v3 = obj(holder?.cvssv3);
  const v3score = cvssScore(v3?.base_score);
  const v3word = severityWord(str(v3?.base_severity));
  if (v3word || v3score !== undefined) {
    const severity = v3word ?? severityFromCvss(v3score ?? 0);
    return {
      severity,
      word: str(v3?.base_severity) ?? `CVSS ${v3score}`,
      ...(v3score === undefined ? {} : { cvss: v3score }),
    };
  }
  const v2score = cvssScore(obj(holder?.cvssv2)?.base_score);
  if (v2score !== undefined) {
    return {
      severity: v2score >= 7 ? 'high' : v2score >= 4 ? 'medium' : 'low',
      word: `CVSS v2 ${v2score}`,
      cvss: v2score,
    };
  }
  return { severity: 'medium', word: 'none (default medium)' };
}

export function parseSafetyV2(doc: JsonObject, ctx: ParseContext): ParseResult {
  const findings: RawFinding[] = [];
  const scanned = strings(obj(doc.report_meta)?.scanned);
  for (const item of arr(doc.vulnerabilities)) {
    const v = obj(item);
    if (!v) continue;
    const id = str(v.vulnerability_id) ?? 'unknown';
    const name = str(v.package_name) ?? '';
    const version = str(v.analyzed_version) ?? '';
    const fixed = strings(v.fixed_versions);
    const sev = severityOf(obj(v.severity));
    const cve = str(v.CVE);
    const pkg = packageRef('pypi', name, version, fixed, scanned);
    findings.push({
      tool: 'safety',
      ruleId: cve ?? `PYUP-${id}`,
      category: 'dependency',
      severity: sev.severity,
      toolSeverity: sev.word,
      ...(sev.cvss === undefined ? {} : { cvss: sev.cvss }),
      message: dependencyMessage(cve ?? `PYUP-${id}`, name, version, fixed),
      // safety 2.x advisories are short paragraphs: kept whole.
      description: str(v.advisory)?.trim() || undefined,
      ...(str(v.more_info_url) === undefined ? {} : { helpUrl: str(v.more_info_url) }),
      package: pkg,
      vulnIds: uniqueIds([`PYUP-${id}`, cve]),
      cwes: [],
      report: ctx.report,
    });
  }
  return {
    findings,
    notes: [],
    ...(str(obj(doc.report_meta)?.safety_version)
      ? { toolVersion: `safety ${str(obj(doc.report_meta)?.safety_version)}` }
      : {}),
  };
}

/** `django==1.8.0` → 1.8.0 (only pinned specs name one installed version). */
function pinnedVersion(raw: string | undefined): string {
  const m = raw === undefined ? null : /===?\s*([^\s,;]+)/.exec(raw);
  return m?.[1] ?? raw ?? '';
}

export function parseSafetyV3(doc: JsonObject, ctx: ParseContext): ParseResult {
  const findings: RawFinding[] = [];
  const scan = obj(doc.scan_results) ?? {};
  const fileLists = [...arr(scan.projects).flatMap((p) => arr(obj(p)?.files)), ...arr(scan.files)];
  for (const f of fileLists) {
    const file = obj(f);
    const location = str(file?.location) ?? '';
    for (const d of arr(obj(file?.results)?.dependencies)) {
      const dep = obj(d);
      const name = str(dep?.name) ?? '';
      for (const s of arr(dep?.specifications)) {
        const spec = obj(s);
        const vulns = obj(spec?.vulnerabilities);
        const version = pinnedVersion(str(spec?.raw));
        const remediation = obj(vulns?.remediation);
        const fixed = [str(remediation?.recommended), ...strings(remediation?.other_recommended)].filter(
          (x): x is string => x !== undefined,
        );
        for (const k of arr(vulns?.known_vulnerabilities)) {
          const v = obj(k);
          if (!v) continue;
          const id = str(v.id) ?? 'unknown';
          const cveObj = obj(v.cve);
          const cve = str(cveObj?.name);
          const sev = severityOf(cveObj);
          const ignored = obj(v.ignored);
          findings.push({
            tool: 'safety',
            ruleId: cve ?? `PYUP-${id}`,
            category: 'dependency',
            severity: sev.severity,
            toolSeverity: sev.word,
            ...(sev.cvss === undefined ? {} : { cvss: sev.cvss }),
            message: dependencyMessage(cve ?? `PYUP-${id}`, name, version, fixed),
            description: advisoryText(str(cveObj?.advisory)),
            package: packageRef('pypi', name, version, fixed, [location]),
            vulnIds: uniqueIds([`PYUP-${id}`, cve]),
            cwes: [],
            ...(ignored
              ? { suppressedBy: `safety policy: ${str(ignored.reason) ?? str(ignored.code) ?? 'ignored'}` }
              : {}),
            report: ctx.report,
          });
        }
      }
    }
  }
  const version = str(obj(obj(doc.meta)?.telemetry)?.safety_version);
  return { findings, notes: [], ...(version === undefined ? {} : { toolVersion: `safety ${version}` }) };
}

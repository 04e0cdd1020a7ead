import { ghsaFromUrl, uniqueCwes, uniqueIds } from '../identifiers.js';
import { arr, cvssScore, obj, str, strings, type JsonObject } from '../json-access.js';
import type { RawFinding } from '../model.js';
import { advisoryText, dependencyMessage, packageRef, severityWord } from './dependency-helpers.js';
import type { ParseContext, ParseResult } from './types.js';

export function looksLikeNpmAudit7(doc: JsonObject): boolean {
  return doc.auditReportVersion === 2 && obj(doc.vulnerabilities) !== undefined;
}

export function looksLikeNpmAudit6(doc: JsonObject): boolean {
  return obj(doc.advisories) !== undefined && obj(doc.metadata) !== undefined;
}

/**
 * npm 7+: one finding per advisory object in `via` (root advisories); entries whose `via`
 * only names other packages are propagation and produce no finding of their own. npm 7+
 * reports ranges, not installed versions: the version is the affected range (so these
 * findings merge with each other across runs, not with grype's installed-version findings).
 */
export function parseNpmAudit7(doc: JsonObject, ctx: ParseContext): ParseResult {
  const findings: RawFinding[] = [];
  const vulns = obj(doc.vulnerabilities) ?? {};
  for (const [pkgName, value] of Object.entries(vulns)) {
    const pkg = obj(value);
    if (!pkg) continue;
    const nodes = strings(pkg.nodes);
    const fix = pkg.fixAvailable;
    const fixObj = obj(fix);
    const fixText = fixObj
      ? [
          `${str(fixObj.name) ?? ''}@${str(fixObj.version) ?? ''}${fixObj.isSemVerMajor === true ? ' (semver-major)' : ''}`,
        ]
      : fix === true
        ? ['available']
        : [];
    for (const via of arr(pkg.via)) {
      const adv = obj(via);
      if (!adv) continue;
      const ghsa = ghsaFromUrl(str(adv.url));
      const source = str(adv.source);
      const ids = uniqueIds([ghsa, source === undefined ? undefined : `NPM-${source}`]);
      const name = str(adv.name) ?? pkgName;
      const version = str(adv.range) ?? str(pkg.range) ?? '';
      const rawSeverity = str(adv.severity) ?? str(pkg.severity) ?? 'info';
      const cvss = cvssScore(obj(adv.cvss)?.score);
      findings.push({
        tool: 'npm-audit',
        ruleId: ids[0] ?? `NPM-${pkgName}`,
        category: 'dependency',
        severity: severityWord(rawSeverity) ?? 'info',
        toolSeverity: rawSeverity,
        ...(cvss === undefined || cvss === 0 ? {} : { cvss }),
        message: dependencyMessage(ids[0] ?? pkgName, name, version, fixText),
        description: advisoryText(str(adv.title)),
        ...(str(adv.url) === undefined ? {} : { helpUrl: str(adv.url) }),
        package: packageRef('npm', name, version, fixText, nodes),
        vulnIds: ids,
        cwes: uniqueCwes(arr(adv.cwe)),
        report: ctx.report,
      });
    }
  }
  return { findings, notes: [] };
}

/** npm 6: one finding per advisory and installed version (`findings[].version`), with its dependency paths. */
export function parseNpmAudit6(doc: JsonObject, ctx: ParseContext): ParseResult {
  const findings: RawFinding[] = [];
  for (const value of Object.values(obj(doc.advisories) ?? {})) {
    const adv = obj(value);
    if (!adv) continue;
    const name = str(adv.module_name) ?? '';
    const ghsa = str(adv.github_advisory_id) ?? ghsaFromUrl(str(adv.url));
    const ids = uniqueIds([...strings(adv.cves), ghsa, str(adv.id) === undefined ? undefined : `NPM-${str(adv.id)}`]);
    const rawSeverity = str(adv.severity) ?? 'info';
    const patched = str(adv.patched_versions);
    const fixed = patched === undefined || patched === '<0.0.0' ? [] : [patched];
    const cvss = cvssScore(obj(adv.cvss)?.score);
    const byVersion = new Map<string, string[]>();
    for (const f of arr(adv.findings)) {
      const fo = obj(f);
      const version = str(fo?.version) ?? '';
      byVersion.set(version, [...(byVersion.get(version) ?? []), ...strings(fo?.paths)]);
    }
    if (byVersion.size === 0) byVersion.set(str(adv.vulnerable_versions) ?? '', []);
    for (const [version, paths] of byVersion) {
      findings.push({
        tool: 'npm-audit',
        ruleId: ids[0] ?? `NPM-${name}`,
        ...(str(adv.title) === undefined ? {} : { ruleName: str(adv.title) }),
        category: 'dependency',
        severity: severityWord(rawSeverity) ?? 'info',
        toolSeverity: rawSeverity,
        ...(cvss === undefined || cvss === 0 ? {} : { cvss }),
        message: dependencyMessage(ids[0] ?? name, name, version, fixed),
        description: advisoryText(str(adv.title)),
        ...(str(adv.url) === undefined ? {} : { helpUrl: str(adv.url) }),
        package: packageRef('npm', name, version, fixed, paths),
        vulnIds: ids,
        cwes: uniqueCwes([adv.cwe, ...arr(adv.cwe)]),
        report: ctx.report,
      });
    }
  }
  return { findings, notes: [] };
}

import { isOsEcosystem, nameFromPurl, normaliseEcosystem, parsePurl, uniqueCwes, uniqueIds } from '../identifiers.js';
import { arr, cvssScore, obj, position, str, strings, type JsonObject } from '../json-access.js';
import type { Category, RawFinding } from '../model.js';
import { codeLocation, placePath } from '../paths.js';
import { advisoryText, dependencyMessage, packageRef, severityWord } from './dependency-helpers.js';
import type { ParseContext, ParseResult } from './types.js';

export function looksLikeTrivy(doc: JsonObject): boolean {
  return typeof doc.SchemaVersion === 'number' && ('Results' in doc || 'ArtifactName' in doc);
}

/** The vendor score trivy based its severity on, else NVD's, else the highest v3 score listed. */
function cvssOf(vuln: JsonObject): number | undefined {
  const cvss = obj(vuln.CVSS);
  if (!cvss) return undefined;
  const source = str(vuln.SeveritySource);
  const pick = (vendor: string | undefined): number | undefined =>
    vendor === undefined ? undefined : cvssScore(obj(cvss[vendor])?.V3Score);
  const scores = Object.values(cvss)
    .map((v) => cvssScore(obj(v)?.V3Score))
    .filter((n): n is number => n !== undefined);
  return pick(source) ?? pick('nvd') ?? (scores.length > 0 ? Math.max(...scores) : undefined);
}

export function parseTrivy(doc: JsonObject, ctx: ParseContext): ParseResult {
  const findings: RawFinding[] = [];
  const isImage = str(doc.ArtifactType) === 'container_image';
  for (const item of arr(doc.Results)) {
    const result = obj(item);
    if (!result) continue;
    const target = str(result.Target) ?? '';
    const klass = str(result.Class) ?? '';
    const type = str(result.Type);
    const targetPlace = placePath(target, ctx.root);
    for (const v of arr(result.Vulnerabilities)) {
      const vuln = obj(v);
      if (!vuln) continue;
      const id = str(vuln.VulnerabilityID) ?? 'unknown';
      const purl = parsePurl(str(obj(vuln.PkgIdentifier)?.PURL));
      const ecosystem = purl?.type ?? normaliseEcosystem(type);
      const name = str(vuln.PkgName) ?? nameFromPurl(purl) ?? '';
      const version = str(vuln.InstalledVersion) ?? '';
      const fixed = (str(vuln.FixedVersion) ?? '').split(/,\s*/).filter((s) => s !== '');
      const rawSeverity = str(vuln.Severity) ?? 'UNKNOWN';
      const cvss = cvssOf(vuln);
      const category: Category =
        klass === 'os-pkgs' || isOsEcosystem(ecosystem) || isImage ? 'container' : 'dependency';
      const paths = [
        str(vuln.PkgPath) ?? '',
        klass === 'os-pkgs' ? target : targetPlace.inWorkspace ? targetPlace.path : target,
      ];
      findings.push({
        tool: 'trivy',
        ruleId: id,
        ...(str(vuln.Title) === undefined ? {} : { ruleName: str(vuln.Title) }),
        category,
        severity: severityWord(rawSeverity) ?? 'info',
        toolSeverity: rawSeverity,
        ...(cvss === undefined ? {} : { cvss }),
        message: dependencyMessage(id, name, version, fixed),
        description: advisoryText(str(vuln.Title)),
        ...(str(vuln.PrimaryURL) === undefined ? {} : { helpUrl: str(vuln.PrimaryURL) }),
        package: packageRef(ecosystem, name, version, fixed, paths),
        vulnIds: uniqueIds([id, ...strings(vuln.VendorIDs)]),
        cwes: uniqueCwes(arr(vuln.CweIDs)),
        report: ctx.report,
      });
    }
    for (const m of arr(result.Misconfigurations)) {
      const mis = obj(m);
      // Trivy lists passed checks too (with --include-non-failures); only failures are findings.
      if (!mis || (str(mis.Status) ?? 'FAIL') !== 'FAIL') continue;
      const cause = obj(mis.CauseMetadata) ?? {};
      const line = position(cause.StartLine);
      const endLine = position(cause.EndLine);
      const rawSeverity = str(mis.Severity) ?? 'UNKNOWN';
      const codeLine = obj(arr(obj(cause.Code)?.Lines).find((l) => obj(l)?.IsCause === true));
      const snippet = str(codeLine?.Content);
      const id = str(mis.ID) ?? str(mis.AVDID) ?? 'misconfiguration';
      findings.push({
        tool: 'trivy',
        ruleId: id,
        ...(str(mis.Title) === undefined ? {} : { ruleName: str(mis.Title) }),
        category: 'misconfiguration',
        severity: severityWord(rawSeverity) ?? 'info',
        toolSeverity: rawSeverity,
        message: [str(mis.Title), str(mis.Message)].filter(Boolean).join(': '),
        ...(str(mis.PrimaryURL) === undefined ? {} : { helpUrl: str(mis.PrimaryURL) }),
        location: codeLocation(targetPlace, line, undefined, endLine, undefined),
        vulnIds: [],
        cwes: [],
        ...(snippet === undefined ? {} : { snippet }),
        report: ctx.report,
      });
    }
    for (const s of arr(result.Secrets)) {
      const secret = obj(s);
      if (!secret) continue;
      const line = position(secret.StartLine);
      const endLine = position(secret.EndLine);
      const rawSeverity = str(secret.Severity) ?? 'UNKNOWN';
      findings.push({
        tool: 'trivy',
        ruleId: str(secret.RuleID) ?? 'secret',
        ...(str(secret.Title) === undefined ? {} : { ruleName: str(secret.Title) }),
        category: 'secret',
        severity: severityWord(rawSeverity) ?? 'info',
        toolSeverity: rawSeverity,
        // The match is redacted by trivy (*****); it is still not repeated here, only the rule's title.
        message: `${str(secret.Title) ?? 'Secret'} found (${str(secret.Category) ?? 'secret'})`,
        location: codeLocation(targetPlace, line, undefined, endLine, undefined),
        vulnIds: [],
        cwes: ['CWE-798'],
        ...(str(secret.Match) === undefined ? {} : { snippet: str(secret.Match) }),
        report: ctx.report,
      });
    }
  }
  const artifact = str(doc.ArtifactName);
  return {
    findings,
    notes: [],
    ...(artifact === undefined ? {} : { toolVersion: `trivy (${str(doc.ArtifactType) ?? 'scan'} ${artifact})` }),
  };
}

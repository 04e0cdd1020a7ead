import { isOsEcosystem, nameFromPurl, normaliseEcosystem, parsePurl, uniqueCwes, uniqueIds } from '../identifiers.js';
import { arr, cvssScore, obj, str, strings, type JsonObject } from '../json-access.js';
import { severityFromCvss, type RawFinding } from '../model.js';
import { placePath } from '../paths.js';
import { advisoryText, dependencyMessage, packageRef, severityWord } from './dependency-helpers.js';
import type { ParseContext, ParseResult } from './types.js';

export function looksLikeGrype(doc: JsonObject): boolean {
  return Array.isArray(doc.matches) && (obj(doc.descriptor) !== undefined || obj(doc.source) !== undefined);
}

/** The highest CVSS v3 base score grype lists (v2 only when no v3 exists). */
function cvssOf(vuln: JsonObject): number | undefined {
  const entries = arr(vuln.cvss)
    .map(obj)
    .filter((e): e is JsonObject => e !== undefined);
  const score = (e: JsonObject): number | undefined => cvssScore(obj(e.metrics)?.baseScore);
  const v3 = entries
    .filter((e) => (str(e.version) ?? '').startsWith('3'))
    .map(score)
    .filter((n): n is number => n !== undefined);
  const allScores = entries.map(score).filter((n): n is number => n !== undefined);
  const list = v3.length > 0 ? v3 : allScores;
  return list.length > 0 ? Math.max(...list) : undefined;
}

export function parseGrype(doc: JsonObject, ctx: ParseContext): ParseResult {
  const findings: RawFinding[] = [];
  for (const item of arr(doc.matches)) {
    const match = obj(item);
    if (!match) continue;
    const vuln = obj(match.vulnerability) ?? {};
    const artifact = obj(match.artifact) ?? {};
    const id = str(vuln.id) ?? 'unknown';
    const related = arr(match.relatedVulnerabilities).map((r) => str(obj(r)?.id));
    const purl = parsePurl(str(artifact.purl));
    const ecosystem = purl?.type ?? normaliseEcosystem(str(artifact.type));
    const name = nameFromPurl(purl) ?? str(artifact.name) ?? '';
    const version = str(artifact.version) ?? '';
    const fix = obj(vuln.fix) ?? {};
    const fixed = strings(fix.versions);
    const rawSeverity = str(vuln.severity) ?? 'Unknown';
    const cvss = cvssOf(vuln);
    const paths = arr(artifact.locations).map((l) => {
      const p = str(obj(l)?.path) ?? '';
      const placed = placePath(p, ctx.root);
      return placed.inWorkspace ? placed.path : p;
    });
    const container = isOsEcosystem(ecosystem) || str(obj(doc.source)?.type) === 'image';
    const help = str(vuln.dataSource) ?? strings(vuln.urls)[0];
    const state = str(fix.state);
    findings.push({
      tool: 'grype',
      ruleId: id,
      category: container ? 'container' : 'dependency',
      severity: severityWord(rawSeverity) ?? (cvss === undefined ? 'info' : severityFromCvss(cvss)),
      toolSeverity: state === undefined ? rawSeverity : `${rawSeverity} (fix ${state})`,
      cvss,
      message: dependencyMessage(id, name, version, fixed),
      description: advisoryText(str(vuln.description)),
      helpUrl: help,
      package: packageRef(ecosystem, name, version, fixed, paths),
      vulnIds: uniqueIds([id, ...related]),
      cwes: uniqueCwes(arr(vuln.cwes).map((c) => str(obj(c)?.cwe) ?? c)),
      report: ctx.report,
    });
  }
  const version = str(obj(doc.descriptor)?.version);
  return { findings, notes: [], ...(version === undefined ? {} : { toolVersion: `grype ${version}` }) };
}

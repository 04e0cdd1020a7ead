import { canonicalVulnId, uniqueIds } from '../identifiers.js';
import { arr, obj, str, strings } from '../json-access.js';
import type { RawFinding } from '../model.js';
import { advisoryText, dependencyMessage, packageRef } from './dependency-helpers.js';
import type { ParseContext, ParseResult } from './types.js';

function isDependencyEntry(value: unknown): boolean {
  const o = obj(value);
  return o !== undefined && typeof o.name === 'string' && (Array.isArray(o.vulns) || typeof o.skip_reason === 'string');
}

/** pip-audit ≥ 2: {"dependencies":[…],"fixes":[…]}; older: a top-level list of dependencies. */
const SHAPE_SAMPLE = 64;

export function looksLikePipAudit(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.length > 0 && doc.slice(0, SHAPE_SAMPLE).every(isDependencyEntry);
  const o = obj(doc);
  // The first entries tell the shape; checking all of a 100,000-entry report is wasted work.
  return (
    o !== undefined &&
    Array.isArray(o.dependencies) &&
    arr(o.dependencies).slice(0, SHAPE_SAMPLE).every(isDependencyEntry) &&
    !('metadata' in o)
  );
}

/**
 * pip-audit reports no severity: its findings are medium (documented). Aliases (CVE, GHSA)
 * make them merge with the same vulnerability from trivy, grype or safety.
 */
export function parsePipAudit(doc: unknown, ctx: ParseContext): ParseResult {
  const deps = Array.isArray(doc) ? doc : arr(obj(doc)?.dependencies);
  const findings: RawFinding[] = [];
  const notes: string[] = [];
  for (const d of deps) {
    const dep = obj(d);
    if (!dep) continue;
    const name = str(dep.name) ?? '';
    const version = str(dep.version) ?? '';
    const skip = str(dep.skip_reason);
    if (skip !== undefined) notes.push(`pip-audit skipped ${name}: ${skip}`);
    for (const v of arr(dep.vulns)) {
      const vuln = obj(v);
      if (!vuln) continue;
      const ids = uniqueIds([str(vuln.id), ...strings(vuln.aliases)]);
      const fixed = strings(vuln.fix_versions);
      const primary = ids[0] ?? 'unknown';
      const display = canonicalVulnId(ids) || primary;
      findings.push({
        tool: 'pip-audit',
        ruleId: primary,
        category: 'dependency',
        severity: 'medium',
        toolSeverity: 'none (default medium)',
        message: dependencyMessage(display, name, version, fixed),
        description: advisoryText(str(vuln.description)),
        helpUrl: primary.startsWith('PYSEC-')
          ? `https://osv.dev/vulnerability/${primary}`
          : primary.startsWith('GHSA-')
            ? `https://github.com/advisories/${primary}`
            : undefined,
        package: packageRef('pypi', name, version, fixed, []),
        vulnIds: ids,
        cwes: [],
        report: ctx.report,
      });
    }
  }
  return { findings, notes };
}

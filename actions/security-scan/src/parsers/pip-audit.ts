import { canonicalVulnId, uniqueIds } from '../identifiers.js';
import { arr, obj, str, strings } from '../json-access.js';
import type { RawFinding } from '../model.js';
import { dependencyMessage, packageRef } from './dependency-helpers.js';
import type { ParseContext, ParseResult } from './types.js';

function isDependencyEntry(value: unknown): boolean {
  const o = obj(value);
  return o !== undefined && typeof o.name === 'string' && (Array.isArray(o.vulns) || typeof o.skip_reason === 'string');
}

/** pip-audit ≥ 2: {"dependencies":[…],"fixes":[…]}; older: a top-level list of dependencies. */
export function looksLikePipAudit(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.length > 0 && doc.every(isDependencyEntry);
  const o = obj(doc);
  return o !== undefined && Array.isArray(o.dependencies) && arr(o.dependencies).every(isDependencyEntry) && !('metadata' in o);
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
        message: dependencyMessage(display, name, version, fixed, (str(vuln.description) ?? '').split('\n')[0]?.trim()),
        ...(primary.startsWith('PYSEC-') ? { helpUrl: `https://osv.dev/vulnerability/${primary}` } : primary.startsWith('GHSA-') ? { helpUrl: `https://github.com/advisories/${primary}` } : {}),
        package: packageRef('pypi', name, version, fixed, []),
        vulnIds: ids,
        cwes: [],
        report: ctx.report,
      });
    }
  }
  return { findings, notes };
}


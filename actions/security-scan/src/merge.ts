import { canonicalVulnId } from './identifiers.js';
import { codeFingerprints, dependencyFingerprint, type LineSource } from './fingerprint.js';
import { maxSeverity, severityRank, type Finding, type RawFinding } from './model.js';

/**
 * Deduplication. Dependency findings (those with a package) merge when they name the same
 * ecosystem + package + version and their vulnerability alias sets intersect (union-find),
 * so one CVE reported by trivy, grype and pip-audit is one finding listing all three tools.
 * Code findings merge only when their fingerprints are equal (the same finding twice).
 */

class UnionFind {
  private readonly parent: number[] = [];
  add(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root] ?? root;
    // Path compression keeps later finds flat.
    for (let at = x; this.parent[at] !== root; ) {
      const next = this.parent[at] ?? root;
      this.parent[at] = root;
      at = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Turns a raw finding into a merged one. The raw finding's location, package and arrays are
 * taken over, not copied: raw findings are owned by this pass and not used after it.
 */
function startFinding(raw: RawFinding, fingerprint: string): Finding {
  const f: Finding = {
    fingerprint,
    tools: [raw.tool],
    ruleId: raw.ruleId,
    category: raw.category,
    severity: raw.severity,
    toolSeverity: `${raw.tool}: ${raw.toolSeverity}`,
    message: raw.message,
    vulnIds: raw.vulnIds,
    cwes: raw.cwes,
    reports: [raw.report],
    occurrences: 1,
  };
  if (raw.ruleName !== undefined) f.ruleName = raw.ruleName;
  if (raw.cvss !== undefined) f.cvss = raw.cvss;
  if (raw.helpUrl !== undefined) f.helpUrl = raw.helpUrl;
  if (raw.location !== undefined) f.location = raw.location;
  if (raw.package !== undefined) f.package = raw.package;
  if (raw.toolFingerprint !== undefined) f.toolFingerprint = raw.toolFingerprint;
  if (raw.suppressedBy !== undefined) f.suppressedBy = raw.suppressedBy;
  return f;
}

function addUnique(list: string[], values: readonly string[]): void {
  for (const v of values) if (!list.includes(v)) list.push(v);
}

function absorb(into: Finding, raw: RawFinding): void {
  into.occurrences++;
  if (!into.tools.includes(raw.tool)) {
    into.tools.push(raw.tool);
    into.toolSeverity += `; ${raw.tool}: ${raw.toolSeverity}`;
  }
  addUnique(into.reports, [raw.report]);
  addUnique(into.vulnIds, raw.vulnIds);
  addUnique(into.cwes, raw.cwes);
  // The most severe report wins, and its wording with it; CVSS is the highest any tool gave.
  if (severityRank(raw.severity) > severityRank(into.severity)) {
    into.message = raw.message;
    if (raw.helpUrl !== undefined) into.helpUrl = raw.helpUrl;
  }
  into.severity = maxSeverity(into.severity, raw.severity);
  if (raw.cvss !== undefined && (into.cvss === undefined || raw.cvss > into.cvss)) into.cvss = raw.cvss;
  if (into.helpUrl === undefined && raw.helpUrl !== undefined) into.helpUrl = raw.helpUrl;
  if (into.package && raw.package) {
    addUnique(into.package.fixedVersions, raw.package.fixedVersions);
    addUnique(into.package.paths, raw.package.paths);
    // A container finding stays one when any tool saw it in an image.
    if (raw.category === 'container') into.category = 'container';
  }
  // Suppressed in source only if every report says so.
  if (into.suppressedBy !== undefined && raw.suppressedBy === undefined) delete into.suppressedBy;
}

export interface MergeResult {
  findings: Finding[];
  /** Raw findings folded into another (same finding from another tool or repeated). */
  merged: number;
}

export function mergeFindings(raw: readonly RawFinding[], lines: LineSource): MergeResult {
  const code = raw.filter((r) => r.package === undefined);
  const deps = raw.filter((r) => r.package !== undefined);
  const out: Finding[] = [];

  const prints = codeFingerprints(code, lines);
  const byPrint = new Map<string, Finding>();
  code.forEach((r, i) => {
    const fp = prints[i]?.fingerprint ?? '';
    const existing = byPrint.get(fp);
    if (existing) absorb(existing, r);
    else {
      const f = startFinding(r, fp);
      byPrint.set(fp, f);
      out.push(f);
    }
  });

  const uf = new UnionFind();
  const node = new Map<string, number>();
  const nodeOf = (key: string): number => {
    let n = node.get(key);
    if (n === undefined) {
      n = uf.add();
      node.set(key, n);
    }
    return n;
  };
  const firstNode: number[] = [];
  for (const r of deps) {
    const p = r.package;
    const pkgKey = `${p?.ecosystem}\u0000${p?.name}\u0000${p?.version}`;
    const ids = r.vulnIds.length > 0 ? r.vulnIds : [`${r.tool}:${r.ruleId}`];
    const first = nodeOf(`${pkgKey}\u0000${ids[0]}`);
    for (const id of ids.slice(1)) uf.union(first, nodeOf(`${pkgKey}\u0000${id}`));
    firstNode.push(first);
  }
  const groups = new Map<number, Finding>();
  deps.forEach((r, i) => {
    const root = uf.find(firstNode[i] ?? 0);
    const existing = groups.get(root);
    if (existing) absorb(existing, r);
    else groups.set(root, startFinding(r, ''));
  });
  for (const f of groups.values()) {
    const canonical = canonicalVulnId(f.vulnIds) || f.ruleId;
    f.vulnIds = [canonical, ...f.vulnIds.filter((v) => v !== canonical)].filter((v) => v !== '');
    f.ruleId = canonical;
    const p = f.package;
    f.fingerprint = dependencyFingerprint(p?.ecosystem ?? '', p?.name ?? '', p?.version ?? '', canonical);
    f.tools.sort();
    out.push(f);
  }
  for (const f of out) f.tools.sort();
  return { findings: out, merged: raw.length - out.length };
}

import { redactUrl } from '@spikeformer-actions/core';
import { banditPartners } from './bandit-partners.js';
import { canonicalVulnId } from './identifiers.js';
import { codeFingerprints, dependencyFingerprint, type LineSource } from './fingerprint.js';
import { maxSeverity, severityRank, type Finding, type RawFinding } from './model.js';

/**
 * Deduplication. Dependency findings (those with a package) merge when they name the same
 * ecosystem + package + version and their vulnerability alias sets intersect (transitively),
 * so one CVE reported by trivy, grype and pip-audit is one finding listing all three tools.
 * Code findings merge when their fingerprints are equal (the same finding twice), and a ruff
 * `S` finding merges into the bandit finding of the same test at the same place.
 */

/** A report's help link never carries a user name, password or token into the outputs. */
function withoutCredentials(url: string): string {
  return url.includes('@') || url.includes('?') ? redactUrl(url) : url;
}

// Shared by every finding with the same tool / report / tool severity: one tool's findings
// number in the hundreds of thousands, their labels in the dozens. Arrays are copied on write.
const labels = new Map<string, Map<string, string>>();
const singles = new Map<string, string[]>();

function label(tool: string, toolSeverity: string): string {
  let byWord = labels.get(tool);
  if (byWord === undefined) labels.set(tool, (byWord = new Map<string, string>()));
  let text = byWord.get(toolSeverity);
  if (text === undefined) byWord.set(toolSeverity, (text = `${tool}: ${toolSeverity}`));
  return text;
}

function single(value: string): string[] {
  let list = singles.get(value);
  if (list === undefined) singles.set(value, (list = [value]));
  return list;
}

/**
 * Turns a raw finding into a merged one. The raw finding's location, package and id arrays
 * are taken over, not copied (merging copies a list before adding to it: parsers may share them).
 * Every field is set (undefined when absent), so all findings share one object shape.
 */
function startFinding(raw: RawFinding, fingerprint: string): Finding {
  return {
    fingerprint,
    tools: single(raw.tool),
    ruleId: raw.ruleId,
    ruleName: raw.ruleName,
    category: raw.category,
    severity: raw.severity,
    toolSeverity: label(raw.tool, raw.toolSeverity),
    cvss: raw.cvss,
    message: raw.message,
    description: raw.description,
    ruleDescription: raw.ruleDescription,
    ruleHelp: raw.ruleHelp,
    helpUrl: raw.helpUrl === undefined ? undefined : withoutCredentials(raw.helpUrl),
    location: raw.location,
    package: raw.package,
    vulnIds: raw.vulnIds,
    cwes: raw.cwes,
    toolFingerprint: raw.toolFingerprint,
    suppressedBy: raw.suppressedBy,
    reports: single(raw.report),
    occurrences: 1,
  };
}

/** `list` with the values it lacks appended: the same array when none is missing, else a new one (lists may be shared). */
function withUnique(list: string[], values: readonly string[]): string[] {
  let out = list;
  for (const v of values) {
    if (out.includes(v)) continue;
    if (out === list) out = [...list];
    out.push(v);
  }
  return out;
}

function absorb(into: Finding, raw: RawFinding): void {
  into.occurrences++;
  if (!into.tools.includes(raw.tool)) {
    into.tools = [...into.tools, raw.tool];
    into.toolSeverity += `; ${raw.tool}: ${raw.toolSeverity}`;
  }
  if (!into.reports.includes(raw.report)) into.reports = [...into.reports, raw.report];
  into.vulnIds = withUnique(into.vulnIds, raw.vulnIds);
  into.cwes = withUnique(into.cwes, raw.cwes);
  // The most severe report wins, and its wording with it; CVSS is the highest any tool gave.
  if (severityRank(raw.severity) > severityRank(into.severity)) {
    into.message = raw.message;
    if (raw.description !== undefined) into.description = raw.description;
    if (raw.helpUrl !== undefined) into.helpUrl = withoutCredentials(raw.helpUrl);
  }
  into.severity = maxSeverity(into.severity, raw.severity);
  if (raw.cvss !== undefined && (into.cvss === undefined || raw.cvss > into.cvss)) into.cvss = raw.cvss;
  if (into.helpUrl === undefined && raw.helpUrl !== undefined) into.helpUrl = withoutCredentials(raw.helpUrl);
  if (into.description === undefined && raw.description !== undefined) into.description = raw.description;
  if (into.ruleDescription === undefined && raw.ruleDescription !== undefined)
    into.ruleDescription = raw.ruleDescription;
  if (into.ruleHelp === undefined && raw.ruleHelp !== undefined) into.ruleHelp = raw.ruleHelp;
  if (into.package && raw.package) {
    into.package.fixedVersions = withUnique(into.package.fixedVersions, raw.package.fixedVersions);
    into.package.paths = withUnique(into.package.paths, raw.package.paths);
    // A container finding stays one when any tool saw it in an image.
    if (raw.category === 'container') into.category = 'container';
  }
  // Suppressed in source only if every report says so.
  if (into.suppressedBy !== undefined && raw.suppressedBy === undefined) into.suppressedBy = undefined;
}

export interface MergeResult {
  findings: Finding[];
  /** Raw findings folded into another (same finding from another tool or repeated). */
  merged: number;
}

export function mergeFindings(raw: readonly RawFinding[], lines: LineSource): MergeResult {
  const code: RawFinding[] = [];
  const deps: RawFinding[] = [];
  for (const r of raw) (r.package === undefined ? code : deps).push(r);
  const out: Finding[] = [];

  const { prints, sameAs } = codeFingerprints(code, lines);
  const partners = banditPartners(code);
  const made = new Array<Finding>(code.length);
  for (let i = 0; i < code.length; i++) {
    if (partners[i] !== -1) continue;
    const r = code[i] as RawFinding;
    const first = sameAs[i] ?? -1;
    const into = first === -1 ? undefined : made[first];
    if (into) absorb(into, r);
    else {
      const f = startFinding(r, prints[i] ?? '');
      made[i] = f;
      out.push(f);
    }
  }
  for (let i = 0; i < code.length; i++) {
    const p = partners[i] ?? -1;
    if (p === -1) continue;
    const into = made[sameAs[p] === -1 ? p : (sameAs[p] ?? p)] as Finding;
    // bandit rated this very line: its severity stands (ruff's is bandit's nominal one for the test).
    absorb(into, { ...(code[i] as RawFinding), severity: into.severity, cvss: undefined });
  }

  // Dependency groups per package: most packages have one vulnerability group, so a finding
  // costs one lookup by package plus a scan of a few short alias lists.
  interface Group {
    ids: string[];
    /** Indexes into deps, in order. */
    members: number[];
    alive: boolean;
  }
  const byPackage = new Map<string, Group[]>();
  const ordered: Group[] = [];
  for (let i = 0; i < deps.length; i++) {
    const r = deps[i] as RawFinding;
    const p = r.package;
    const key = `${p?.ecosystem}\u0000${p?.name}\u0000${p?.version}`;
    const ids = r.vulnIds.length > 0 ? r.vulnIds : [`${r.tool}:${r.ruleId}`];
    let list = byPackage.get(key);
    if (!list) byPackage.set(key, (list = []));
    let target: Group | undefined;
    for (let g = 0; g < list.length; g++) {
      const group = list[g] as Group;
      if (!ids.some((id) => group.ids.includes(id))) continue;
      if (target === undefined) {
        target = group;
        continue;
      }
      // This finding's aliases join two groups: the younger one moves into the older one.
      for (const id of group.ids) if (!target.ids.includes(id)) target.ids.push(id);
      target.members = [...target.members, ...group.members].sort((x, y) => x - y);
      group.alive = false;
      list.splice(g--, 1);
    }
    if (target === undefined) {
      target = { ids: [...ids], members: [i], alive: true };
      list.push(target);
      ordered.push(target);
    } else {
      target.members.push(i);
      for (const id of ids) if (!target.ids.includes(id)) target.ids.push(id);
    }
  }
  const groups: Finding[] = [];
  for (const g of ordered) {
    if (!g.alive) continue;
    const f = startFinding(deps[g.members[0] ?? 0] as RawFinding, '');
    for (let m = 1; m < g.members.length; m++) absorb(f, deps[g.members[m] ?? 0] as RawFinding);
    groups.push(f);
  }
  for (const f of groups) {
    const ids = f.vulnIds;
    const canonical = (ids.length === 1 ? ids[0] : canonicalVulnId(ids)) || f.ruleId;
    // Canonical id first; most findings have one id, already in place.
    if (ids.length !== 1 || ids[0] !== canonical)
      f.vulnIds = [canonical, ...ids.filter((v) => v !== canonical)].filter((v) => v !== '');
    f.ruleId = canonical;
    const p = f.package;
    f.fingerprint = dependencyFingerprint(p?.ecosystem ?? '', p?.name ?? '', p?.version ?? '', canonical);
    out.push(f);
  }
  for (const f of out) if (f.tools.length > 1) f.tools.sort();
  return { findings: out, merged: raw.length - out.length };
}

import { clip, FileError } from '@spikeformer-actions/core';
import { arr, isObject, obj, str, strings } from './json-access.js';
import type { Category, Finding, Severity } from './model.js';
import { SEVERITIES } from './model.js';

/** The identity of a finding as kept in a baseline (a previous JSON output of this action). */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  tools: string[];
  severity: Severity;
  category: Category;
  vulnIds: string[];
  path?: string;
  line?: number;
  package?: { ecosystem: string; name: string; version: string };
}

export const JSON_SCHEMA_ID = 'spikeformer-actions/security-scan';
/** Version 2 lists rules and messages once (findings refer to them by index); version 1 is still read. */
export const JSON_VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

/** The rule id of a finding row: version 1 names it (ruleId), version 2 points into `rules`. */
type RuleIdOf = (row: Record<string, unknown>) => string | undefined;

function entryOf(value: unknown, ruleIdOf: RuleIdOf): BaselineEntry | undefined {
  const o = obj(value);
  const fingerprint = str(o?.fingerprint);
  if (!o || !fingerprint) return undefined;
  const sev = str(o.severity);
  const pkg = obj(o.package);
  const loc = obj(o.location);
  const e: BaselineEntry = {
    fingerprint,
    ruleId: ruleIdOf(o) ?? '',
    tools: strings(o.tools),
    severity: SEVERITIES.find((s) => s === sev) ?? 'info',
    category: (str(o.category) ?? 'sast') as Category,
    vulnIds: strings(o.vulnIds),
  };
  if (str(loc?.path)) e.path = str(loc?.path);
  if (typeof loc?.line === 'number') e.line = loc.line;
  if (pkg)
    e.package = { ecosystem: str(pkg.ecosystem) ?? '', name: str(pkg.name) ?? '', version: str(pkg.version) ?? '' };
  return e;
}

/** Reads a previous JSON output; anything else is a FileError naming the file. */
export function parseBaseline(doc: unknown, file: string): BaselineEntry[] {
  if (!isObject(doc) || doc.schema !== JSON_SCHEMA_ID) {
    throw new FileError(file, `is not a JSON output of security-scan (expected "schema": "${JSON_SCHEMA_ID}")`);
  }
  if (!READABLE_VERSIONS.includes(doc.version)) {
    throw new FileError(
      file,
      `has security-scan JSON version ${clip(JSON.stringify(doc.version ?? null))}; this action reads versions ${READABLE_VERSIONS.join(' and ')}`,
    );
  }
  const rules = arr(doc.rules);
  const ruleIdOf: RuleIdOf =
    doc.version === 1
      ? (o) => str(o.ruleId)
      : (o) => (typeof o.rule === 'number' ? str(obj(rules[o.rule])?.id) : undefined);
  // Suppressed findings are part of the accepted state too: un-suppressing one is not "new".
  const out: BaselineEntry[] = [];
  for (const f of arr(doc.findings)) {
    const e = entryOf(f, ruleIdOf);
    if (e) out.push(e);
  }
  for (const s of arr(doc.suppressed)) {
    const e = entryOf(obj(s)?.finding ?? s, ruleIdOf);
    if (e) out.push(e);
  }
  return out;
}

export type FindingState = 'new' | 'existing';

/** A finding's state by fingerprint. */
export interface FindingStates {
  get(fingerprint: string): FindingState | undefined;
}

// Without a baseline every finding is new: no table of every fingerprint is needed.
const ALL_NEW: FindingStates = { get: () => 'new' };

export interface BaselineComparison {
  state: FindingStates;
  fixed: BaselineEntry[];
}

const pkgKey = (p: { ecosystem: string; name: string; version: string }): string =>
  `${p.ecosystem}\u0000${p.name}\u0000${p.version}`;

/**
 * A finding is existing when the baseline has its fingerprint, or (dependencies) the same
 * package and version with any common vulnerability id — so a tool that learns a new alias
 * does not turn an old finding into a new one. Without a baseline everything is new.
 */
export function compareWithBaseline(
  current: readonly Finding[],
  baseline: readonly BaselineEntry[] | undefined,
): BaselineComparison {
  if (baseline === undefined) return { state: ALL_NEW, fixed: [] };
  const state = new Map<string, FindingState>();
  const byPrint = new Map(baseline.map((b) => [b.fingerprint, b]));
  const byPackageId = new Map<string, BaselineEntry>();
  for (const b of baseline)
    if (b.package) for (const id of b.vulnIds) byPackageId.set(`${pkgKey(b.package)}\u0000${id}`, b);
  const matched = new Set<BaselineEntry>();
  for (const f of current) {
    let hit = byPrint.get(f.fingerprint);
    if (!hit && f.package) {
      const key = pkgKey(f.package);
      for (const id of f.vulnIds) {
        hit = byPackageId.get(`${key}\u0000${id}`);
        if (hit) break;
      }
    }
    if (hit) matched.add(hit);
    state.set(f.fingerprint, hit ? 'existing' : 'new');
  }
  return { state, fixed: baseline.filter((b) => !matched.has(b)) };
}

import path from 'node:path';
import { FileError, quote, quoteList } from '@spikeformer-actions/core';
import { normaliseVulnId } from './identifiers.js';
import { arr, isObject, obj, str } from './json-access.js';
import type { Finding } from './model.js';

/**
 * The suppressions file (YAML): a list, or {suppressions: [...]}, of entries matching by
 * fingerprint, rule, vulnerability id and/or path glob (all given fields must match), each
 * with a required reason and an optional expiry date after which it no longer suppresses.
 */

export interface Suppression {
  /** 1-based position in the file, for messages. */
  index: number;
  fingerprint?: string;
  rule?: string;
  id?: string;
  path?: string;
  reason: string;
  /** YYYY-MM-DD; the entry suppresses through that day (UTC). */
  expires?: string;
}

const FIELDS = new Set(['fingerprint', 'rule', 'id', 'path', 'reason', 'expires']);

function dateText(value: unknown): string | undefined {
  // YAML turns an unquoted 2026-12-31 into a Date; both forms are accepted.
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  return str(value);
}

export function parseSuppressions(doc: unknown, file: string): Suppression[] {
  if (doc === null || doc === undefined) return [];
  const list = Array.isArray(doc) ? doc : isObject(doc) && 'suppressions' in doc ? doc.suppressions : undefined;
  if (list === null) return [];
  if (!Array.isArray(list))
    throw new FileError(file, 'expected a list of suppressions, or a mapping with a `suppressions:` list');
  return arr(list).map((item, i) => {
    const where = `entry ${i + 1}`;
    const e = obj(item);
    if (!e) throw new FileError(file, `${where}: expected a mapping with reason and fingerprint, rule, id or path`);
    const unknown = Object.keys(e).filter((k) => !FIELDS.has(k));
    if (unknown.length > 0)
      throw new FileError(
        file,
        `${where}: unknown field(s) ${quoteList(unknown)} (allowed: ${[...FIELDS].join(', ')})`,
      );
    const reason = str(e.reason)?.trim();
    if (!reason) throw new FileError(file, `${where}: 'reason' is required (say why this is accepted)`);
    const s: Suppression = { index: i + 1, reason };
    for (const key of ['fingerprint', 'rule', 'id', 'path'] as const) {
      const v = e[key];
      if (v === undefined || v === null) continue;
      const text = str(v)?.trim();
      if (!text) throw new FileError(file, `${where}: '${key}' must be a non-empty string`);
      s[key] = key === 'id' ? normaliseVulnId(text) : text;
    }
    if (s.fingerprint === undefined && s.rule === undefined && s.id === undefined && s.path === undefined) {
      throw new FileError(file, `${where}: give at least one of fingerprint, rule, id or path`);
    }
    if (e.expires !== undefined && e.expires !== null) {
      const d = dateText(e.expires);
      if (d === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) {
        throw new FileError(
          file,
          `${where}: 'expires' must be a date YYYY-MM-DD, got ${quote(typeof e.expires === 'string' ? e.expires : JSON.stringify(e.expires))}`,
        );
      }
      s.expires = d;
    }
    return s;
  });
}

export function isExpired(s: Suppression, today: string): boolean {
  return s.expires !== undefined && s.expires < today;
}

function matches(s: Suppression, f: Finding): boolean {
  if (s.fingerprint !== undefined && s.fingerprint !== f.fingerprint) return false;
  if (s.rule !== undefined && s.rule !== f.ruleId && !f.vulnIds.includes(normaliseVulnId(s.rule))) return false;
  if (s.id !== undefined && !f.vulnIds.includes(s.id)) return false;
  if (s.path !== undefined) {
    const paths = [f.location?.path, ...(f.package?.paths ?? [])].filter((p): p is string => p !== undefined);
    if (!paths.some((p) => path.posix.matchesGlob(p, s.path ?? ''))) return false;
  }
  return true;
}

export interface SuppressionOutcome {
  active: Finding[];
  suppressed: Array<{ finding: Finding; reason: string; entry?: number }>;
  used: Array<{ entry: Suppression; count: number }>;
  unused: Suppression[];
  /** Expired entries, with how many findings they would still have matched (now active). */
  expired: Array<{ entry: Suppression; matched: number }>;
}

/** Applies the entries (and the tools' own in-source suppressions); today is YYYY-MM-DD (UTC). */
export function applySuppressions(
  findings: readonly Finding[],
  entries: readonly Suppression[],
  today: string,
): SuppressionOutcome {
  const live = entries.filter((s) => !isExpired(s, today));
  const dead = entries.filter((s) => isExpired(s, today));
  const counts = new Map<Suppression, number>();
  const expiredCounts = new Map<Suppression, number>();
  const out: SuppressionOutcome = { active: [], suppressed: [], used: [], unused: [], expired: [] };
  for (const f of findings) {
    const entry = live.find((s) => matches(s, f));
    if (entry) {
      counts.set(entry, (counts.get(entry) ?? 0) + 1);
      out.suppressed.push({ finding: f, reason: entry.reason, entry: entry.index });
      continue;
    }
    for (const s of dead) if (matches(s, f)) expiredCounts.set(s, (expiredCounts.get(s) ?? 0) + 1);
    if (f.suppressedBy !== undefined) out.suppressed.push({ finding: f, reason: f.suppressedBy });
    else out.active.push(f);
  }
  for (const s of live) {
    const n = counts.get(s) ?? 0;
    if (n > 0) out.used.push({ entry: s, count: n });
    else out.unused.push(s);
  }
  out.expired = dead.map((s) => ({ entry: s, matched: expiredCounts.get(s) ?? 0 }));
  return out;
}

export function describeSuppression(s: Suppression): string {
  const parts = (['fingerprint', 'rule', 'id', 'path'] as const)
    .filter((k) => s[k] !== undefined)
    .map((k) => `${k} ${s[k] ?? ''}`);
  return `#${s.index} (${parts.join(', ')}${s.expires ? `, expires ${s.expires}` : ''})`;
}

import { hash } from 'node:crypto';
import type { RawFinding } from './model.js';

/**
 * Stable fingerprints. Code findings: tool + rule + path + hash of the whitespace-normalised
 * source line (from the workspace when the file is there, else the report's snippet) +
 * occurrence index among identical lines, or the tool's own fingerprint when it gives one.
 * Line numbers are a fallback only, so an edit above a finding keeps its fingerprint.
 * Dependency findings are fingerprinted after dedup (see merge.ts).
 */

/** The lines of a workspace file, or undefined when it is not there (or outside the workspace). */
export type LineSource = (path: string) => readonly string[] | undefined;

export const FINGERPRINT_VERSION = 'v1';

export function digest(text: string): string {
  return hash('sha256', text, 'hex').slice(0, 32);
}

const RUNS_OF_SPACE = /\s{2,}|[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

export function normaliseLine(text: string): string {
  // Most lines have single spaces only: then trimming is all there is to do.
  return RUNS_OF_SPACE.test(text) ? text.replace(/\s+/g, ' ').trim() : text.trim();
}

/** What identifies a code finding's content: source line, else snippet, else the line number (hashed with the rest of the key). */
export function contentKey(f: RawFinding, lines: LineSource): string {
  if (f.toolFingerprint !== undefined) return `tool:${f.toolFingerprint}`;
  const loc = f.location;
  if (!loc) return `message:${digest(normaliseLine(f.message))}`;
  if (loc.line !== undefined && loc.inWorkspace) {
    const fileLines = lines(loc.path);
    const text = fileLines?.[loc.line - 1];
    const normal = text === undefined ? '' : normaliseLine(text);
    if (normal !== '') return `line:${normal}`;
  }
  const snippet = f.snippet === undefined ? '' : normaliseLine(f.snippet);
  if (snippet !== '') return `line:${snippet}`;
  return loc.line === undefined ? 'file' : `at:${loc.line}`;
}

export interface CodeFingerprints {
  /** Per finding, in input order. */
  prints: string[];
  /** Per finding: −1, or the index of the earlier identical finding (same place, same message) whose fingerprint it shares. */
  sameAs: Int32Array;
}

/**
 * Fingerprints for code findings (those without a package), in input order. Identical
 * content in one file is told apart by an occurrence index in line order; a finding identical
 * to an earlier one (same place, same message) gets the earlier one's fingerprint (merged).
 */
export function codeFingerprints(findings: readonly RawFinding[], lines: LineSource): CodeFingerprints {
  // key → the index of its only finding, or the indexes of all of them when several share it.
  const groups = new Map<string, number | number[]>();
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i] as RawFinding;
    const key = `${f.tool}\u0000${f.ruleId}\u0000${f.location?.path ?? ''}\u0000${contentKey(f, lines)}`;
    const known = groups.get(key);
    if (known === undefined) groups.set(key, i);
    else if (typeof known === 'number') groups.set(key, [known, i]);
    else known.push(i);
  }
  const out = new Array<string>(findings.length);
  const sameAs = new Int32Array(findings.length).fill(-1);
  for (const [key, members] of groups) {
    // Most groups hold one finding: no ordering or duplicate check needed.
    if (typeof members === 'number') {
      out[members] = digest(`code|${FINGERPRINT_VERSION}|${key}|0`);
      continue;
    }
    const place = (i: number): string => {
      const l = findings[i]?.location;
      return `${l?.line ?? 0}:${l?.column ?? 0}:${l?.endLine ?? 0}:${l?.endColumn ?? 0}`;
    };
    const sorted = [...members].sort((a, b) => {
      const la = findings[a]?.location;
      const lb = findings[b]?.location;
      return (la?.line ?? 0) - (lb?.line ?? 0) || (la?.column ?? 0) - (lb?.column ?? 0) || a - b;
    });
    let occurrence = -1;
    const seen = new Map<string, number>();
    for (const i of sorted) {
      const f = findings[i];
      if (!f) continue;
      const exact = `${place(i)}\u0000${f.message}`;
      const earlier = seen.get(exact);
      if (earlier !== undefined) {
        out[i] = out[earlier] ?? '';
        // Ties in place are ordered by input index: `earlier` is the first of the identical ones.
        sameAs[i] = earlier;
        continue;
      }
      occurrence++;
      seen.set(exact, i);
      out[i] = digest(`code|${FINGERPRINT_VERSION}|${key}|${occurrence}`);
    }
  }
  return { prints: out, sameAs };
}

export function dependencyFingerprint(ecosystem: string, name: string, version: string, canonicalId: string): string {
  return digest(`dep|${FINGERPRINT_VERSION}|${ecosystem}|${name}|${version}|${canonicalId}`);
}

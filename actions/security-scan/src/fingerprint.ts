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

export function normaliseLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
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

export interface CodeFingerprint {
  fingerprint: string;
  /** True for a finding identical to an earlier one in the same report (same place, same message): merged. */
  duplicate: boolean;
}

/**
 * Fingerprints for code findings (those without a package), in input order. Identical
 * content in one file is told apart by an occurrence index in line order.
 */
export function codeFingerprints(findings: readonly RawFinding[], lines: LineSource): CodeFingerprint[] {
  const groups = new Map<string, number[]>();
  const keys: string[] = [];
  findings.forEach((f, i) => {
    const key = `${f.tool}\u0000${f.ruleId}\u0000${f.location?.path ?? ''}\u0000${contentKey(f, lines)}`;
    keys.push(key);
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  });
  const out: CodeFingerprint[] = new Array<CodeFingerprint>(findings.length);
  for (const [key, members] of groups) {
    // Most groups hold one finding: no ordering or duplicate check needed.
    if (members.length === 1) {
      out[members[0] ?? 0] = { fingerprint: digest(`code|${FINGERPRINT_VERSION}|${key}|0`), duplicate: false };
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
    const seen = new Map<string, string>();
    for (const i of sorted) {
      const f = findings[i];
      if (!f) continue;
      const exact = `${place(i)}\u0000${f.message}`;
      const earlier = seen.get(exact);
      if (earlier !== undefined) {
        out[i] = { fingerprint: earlier, duplicate: true };
        continue;
      }
      occurrence++;
      const fingerprint = digest(`code|${FINGERPRINT_VERSION}|${key}|${occurrence}`);
      seen.set(exact, fingerprint);
      out[i] = { fingerprint, duplicate: false };
    }
  }
  return out;
}

export function dependencyFingerprint(ecosystem: string, name: string, version: string, canonicalId: string): string {
  return digest(`dep|${FINGERPRINT_VERSION}|${ecosystem}|${name}|${version}|${canonicalId}`);
}

import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  expandGlobs,
  InputError,
  parseJsonText,
  readTextFile,
  workspaceRelative,
  workspaceRoot,
} from '@spikeformer-actions/core';
import type { ReportPattern } from './inputs.js';
import type { LineSource } from './fingerprint.js';
import type { RawFinding, ReportFormat } from './model.js';
import { formatOf, parseReport } from './parsers/detect.js';
import type { ReportRecord } from './json-out.js';
import { candidateDirectories, rootReport } from './report-root.js';

export interface LoadedReports {
  raw: RawFinding[];
  records: ReportRecord[];
}

/**
 * Expands every `reports` line (each must match at least one file: nothing is silently
 * skipped), reads each report within the size limit and parses it. A file matched by two
 * lines is read once, with the first line's forced format.
 */
export async function loadReports(
  patterns: readonly ReportPattern[],
  excludes: readonly string[],
  maxBytes: number,
): Promise<LoadedReports> {
  const seen = new Set<string>();
  const todo: Array<{ file: string; shown: string; forced?: ReportFormat }> = [];
  const root = workspaceRoot();
  for (const p of patterns) {
    const files = await expandGlobs([p.pattern, ...excludes.map((e) => `!${e}`)], "Input 'reports'").catch(
      (error: unknown) => {
        throw new InputError(
          'reports',
          error instanceof Error ? error.message.replace(/^Input 'reports':\s*/, '') : String(error),
        );
      },
    );
    if (files.length === 0) throw new InputError('reports', `no file matches ${JSON.stringify(p.pattern)}`);
    for (const file of files) {
      if (seen.has(file)) continue;
      seen.add(file);
      todo.push({
        file,
        shown: workspaceRelative(file, root),
        ...(p.forced === undefined ? {} : { forced: p.forced }),
      });
    }
  }
  const raw: RawFinding[] = [];
  const records: ReportRecord[] = [];
  const read = (i: number): Promise<string> | undefined => {
    const t = todo[i];
    if (t === undefined) return undefined;
    const pending = readTextFile(t.file, maxBytes, t.shown);
    // Awaited in turn below; a failure must not surface as unhandled while an earlier report is parsed.
    pending.catch(() => undefined);
    return pending;
  };
  let directories: string[] | undefined;
  const listDirectories = (): string[] => (directories ??= candidateDirectories(root));
  let next = read(0);
  for (let i = 0; i < todo.length; i++) {
    const t = todo[i] as (typeof todo)[number];
    const text = await (next as Promise<string>);
    // The next file is read in the thread pool while this one is parsed.
    next = read(i + 1);
    const parsed = parseReport(parseJsonText(text, t.shown), { report: t.shown, root }, t.forced);
    const placed = rootReport(parsed.findings, root, listDirectories);
    for (const f of parsed.findings) raw.push(f);
    records.push({
      file: t.shown,
      format: formatOf(parsed.shape) === 'sarif' ? 'sarif' : parsed.shape,
      ...(parsed.toolVersion === undefined ? {} : { toolVersion: parsed.toolVersion }),
      findings: parsed.findings.length,
      notes: parsed.notes,
      ...(placed.rerootedTo === undefined ? {} : { rerootedTo: placed.rerootedTo }),
      ...(placed.firstMissing === undefined
        ? {}
        : { missingPaths: { count: placed.missing, of: placed.named, first: placed.firstMissing } }),
    });
  }
  return { raw, records };
}

// Source files larger than this are not read for fingerprints (the snippet or line is used).
const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/**
 * Workspace source lines for fingerprints, read at most once per file, never outside the
 * workspace: a lexical check first (cheap for the many paths that do not exist), then the
 * real path of files that do, so a symlink cannot lead out.
 */
export function workspaceLines(root = workspaceRoot()): LineSource {
  const cache = new Map<string, readonly string[] | null>();
  const base = path.resolve(root);
  let realBase: string | undefined;
  const inside = (parent: string, child: string): boolean => {
    const rel = path.relative(parent, child);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  // Reports often name thousands of files of a checkout that is not there: a missing directory answers for all of them.
  const dirs = new Map<string, boolean>();
  const dirExists = (dir: string): boolean => {
    if (dir === base) return true;
    let known = dirs.get(dir);
    if (known === undefined) {
      const parent = path.dirname(dir);
      known = parent !== dir && dirExists(parent) && statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
      dirs.set(dir, known);
    }
    return known;
  };
  // The first path segment answers for most findings of a checkout that is not there (one short lookup each).
  const tops = new Map<string, boolean>();
  const topExists = (p: string): boolean => {
    const slash = p.indexOf('/');
    if (slash <= 0) return true;
    const top = p.slice(0, slash);
    let known = tops.get(top);
    if (known === undefined) {
      known = top === '.' || top === '..' || dirExists(`${base}/${top}`);
      tops.set(top, known);
    }
    return known;
  };
  return (p: string) => {
    if (!topExists(p)) return undefined;
    // One lookup per finding; files known to be absent are cached as null.
    const known = cache.get(p);
    if (known !== undefined) return known ?? undefined;
    let lines: readonly string[] | undefined;
    try {
      // Finding paths arrive normalised (placePath): no `..` segment and no leading `/` may pass.
      const abs = `${base}/${p}`;
      const safe = p !== '' && !p.startsWith('/') && !/(^|\/)\.\.?(\/|$)/.test(p);
      const info = safe && dirExists(path.dirname(abs)) ? statSync(abs, { throwIfNoEntry: false }) : undefined;
      if (info?.isFile() && info.size <= MAX_SOURCE_BYTES) {
        realBase ??= realpathSync.native(base);
        if (inside(realBase, realpathSync.native(abs))) lines = readFileSync(abs, 'utf8').split(/\r?\n/);
      }
    } catch {
      lines = undefined;
    }
    cache.set(p, lines ?? null);
    return lines;
  };
}

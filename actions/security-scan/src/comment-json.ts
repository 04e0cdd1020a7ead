import { FileError } from '@spikeformer-actions/core';
import type { Counts } from './analyse.js';
import { JSON_SCHEMA_ID, JSON_VERSION } from './baseline.js';
import { type CommentData, type CommentFinding, MAX_LISTED } from './comment-body.js';
import { arr, isObject, obj, position, str } from './json-access.js';
import { SEVERITIES, type Severity } from './model.js';

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
/** Longest rule id, message, path or package shown from an uploaded file (the comment shortens further). */
const MAX_TEXT = 1000;
/** More findings than this in one file is not a real scan: refused rather than walked. */
const MAX_ROWS = 1_000_000;
const COUNT_KEYS = [...SEVERITIES, 'total', 'new', 'fixed', 'suppressed'] as const;

/** The comment's content from a JSON output, and the commit it says it scanned. */
export interface UploadedResults {
  data: CommentData;
  commit: string;
}

function text(value: unknown): string | undefined {
  const s = str(value);
  return s === undefined || s === '' ? undefined : s.slice(0, MAX_TEXT);
}

/** A relative path inside the repository, or undefined: a link never leaves the repository's tree. */
function repoPath(value: unknown): string | undefined {
  const p = text(value);
  if (p === undefined || p.startsWith('/') || /^[a-z]:/i.test(p) || p.includes('\\')) return undefined;
  return p.split('/').some((s) => s === '..' || s === '.' || s === '') ? undefined : p;
}

/**
 * Reads a security-scan JSON output uploaded by a pull request run: a fork can write anything
 * in it, so every field is checked (the schema and version, the verdict, whole counts, the
 * commit) and every string is cut short; anything malformed is one FileError naming the file.
 * Only what the comment shows is kept.
 */
export function uploadedResults(doc: unknown, file: string): UploadedResults {
  if (!isObject(doc) || doc.schema !== JSON_SCHEMA_ID)
    throw new FileError(file, `is not a JSON output of security-scan (expected "schema": "${JSON_SCHEMA_ID}")`);
  if (doc.version !== JSON_VERSION)
    throw new FileError(
      file,
      `has version ${typeof doc.version === 'number' ? doc.version : '(not a number)'}; a comment is built from version ${JSON_VERSION}`,
    );
  const commit = doc.commit;
  if (typeof commit !== 'string' || !COMMIT.test(commit))
    throw new FileError(file, 'names no commit ("commit": the scanned commit, 40 lowercase hex digits)');
  const status = doc.status;
  if (status !== 'passed' && status !== 'failed') throw new FileError(file, '"status" is neither passed nor failed');
  const countsIn = obj(doc.counts);
  const counts = {} as Counts;
  for (const key of COUNT_KEYS) {
    const n = countsIn?.[key];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      throw new FileError(file, `"counts.${key}" is not a whole number of findings`);
    counts[key] = n;
  }
  const rows = doc.findings;
  if (!Array.isArray(rows)) throw new FileError(file, '"findings" is not a list');
  if (rows.length > MAX_ROWS) throw new FileError(file, `lists more than ${MAX_ROWS} findings`);
  const rules = arr(doc.rules);
  const messages = arr(doc.messages);
  const indexed = (list: unknown[], value: unknown): unknown =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < list.length ? list[value] : value;
  const listed: CommentFinding[] = [];
  let newTotal = 0;
  for (const [i, value] of rows.entries()) {
    const row = obj(value);
    if (row === undefined) throw new FileError(file, `findings[${i}] is not an object`);
    if (row.state !== 'new') continue;
    newTotal++;
    if (listed.length >= MAX_LISTED) continue;
    const severity = SEVERITIES.find((s) => s === row.severity);
    if (severity === undefined)
      throw new FileError(file, `findings[${i}].severity is not one of ${SEVERITIES.join(', ')}`);
    listed.push(
      findingOf(row, severity, obj(indexed(rules, row.rule))?.id ?? row.ruleId, indexed(messages, row.message)),
    );
  }
  return {
    commit,
    data: { status, reason: text(obj(doc.gate)?.reason) ?? '', counts, listed, newTotal },
  };
}

function findingOf(row: Record<string, unknown>, severity: Severity, rule: unknown, message: unknown): CommentFinding {
  const f: CommentFinding = { severity, rule: text(rule) ?? '(no rule)', message: text(message) ?? '' };
  const loc = obj(row.location);
  const path = loc?.inWorkspace === false ? undefined : repoPath(loc?.path);
  if (path !== undefined) {
    f.path = path;
    const line = position(loc?.line);
    const endLine = position(loc?.endLine);
    if (line !== undefined) f.line = line;
    if (line !== undefined && endLine !== undefined && endLine > line) f.endLine = endLine;
  }
  const pkg = obj(row.package);
  const name = text(pkg?.name);
  if (name !== undefined) f.package = `${name}@${text(pkg?.version) ?? '?'}`;
  return f;
}

import path from 'node:path';
import { InputError, inputs, workspaceRoot } from '@spikeformer-actions/core';
import { FAIL_ON, type FailOn } from './gate.js';
import type { CommentFromInputs } from './comment-from.js';
import { TOOLS, type ReportFormat } from './model.js';

export interface ReportPattern {
  pattern: string;
  forced?: ReportFormat;
}

export interface Inputs {
  reports: ReportPattern[];
  excludes: string[];
  failOn: FailOn;
  baseline: string;
  failOnNewOnly: boolean;
  suppressions: string;
  sarifOutput: string;
  jsonOutput: string;
  maxAnnotations: number;
  maxReportBytes: number;
  /** Post or update the PR comment (pull request events only). */
  comment: boolean;
  githubToken: string;
}

/** What the step does: scan the reports, or only post the comment of an earlier run's JSON output. */
export type Mode = { mode: 'scan'; inputs: Inputs } | { mode: 'comment-from'; inputs: CommentFromInputs };

const FORCED = new RegExp(`^(${TOOLS.join('|')}):(.+)$`);

/** One `reports` line: `tool:path-or-glob` forces the format, a bare path or glob is detected. */
export function parseReportLine(line: string): ReportPattern {
  const m = FORCED.exec(line.trim());
  if (m?.[1] && m[2]) return { pattern: m[2].trim(), forced: m[1] as ReportFormat };
  return { pattern: line.trim() };
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
};

/** `50MB`, `256MiB`, `1g`, `1048576` → bytes. */
export function parseSize(text: string): { ok: true; value: number } | { ok: false; problem: string } {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const name = (m?.[2] ?? '').toLowerCase() || 'b';
  const unit = Object.hasOwn(UNITS, name) ? UNITS[name] : undefined;
  if (!m?.[1] || unit === undefined)
    return { ok: false, problem: `expected a size like 50MB or 256MiB, got ${JSON.stringify(text)}` };
  const value = Math.floor(Number(m[1]) * unit);
  if (value < 1024) return { ok: false, problem: `${JSON.stringify(text)} is below the minimum of 1 KiB` };
  return { ok: true, value };
}

const CONTROL = /\p{Cc}|[\u2028\u2029]/u;

/** The token goes into an HTTP header: one without whitespace or controls, never shown (masked when it is used). */
function tokenInput(): string {
  const token = inputs.getString('github-token').trim();
  if (/\s/.test(token) || CONTROL.test(token))
    throw new InputError('github-token', 'contains whitespace or a control character');
  return token;
}

function maxReportBytes(): number {
  const size = parseSize(inputs.getString('max-report-size', '256MiB'));
  if (!size.ok) throw new InputError('max-report-size', size.problem);
  return size.value;
}

/**
 * `comment-from` set: the workflow_run mode (the reports and gate inputs are not used, and
 * `comment: false` contradicts it); otherwise a scan.
 */
export function readMode(): Mode {
  const from = inputs.getPath('comment-from');
  if (from === '') return { mode: 'scan', inputs: readInputs() };
  if (!inputs.getBoolean('comment', true))
    throw new InputError('comment-from', 'is set but comment is false: there would be nothing to do');
  return { mode: 'comment-from', inputs: { file: from, token: tokenInput(), maxBytes: maxReportBytes() } };
}

export function readInputs(): Inputs {
  const lines = inputs.getList('reports', { commas: false });
  const excludes = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  const reports = lines.filter((l) => !l.startsWith('!')).map(parseReportLine);
  if (reports.length === 0)
    throw new InputError(
      'reports',
      'is required: give report files or globs, one per line (tool:path forces a format)',
    );
  const baseline = inputs.getPath('baseline');
  const maxBytes = maxReportBytes();
  return {
    reports,
    excludes,
    failOn: inputs.getEnum('fail-on', FAIL_ON, 'high'),
    baseline,
    // Default: judge only new findings when there is a baseline to tell new from existing.
    failOnNewOnly: inputs.getBoolean('fail-on-new-only', baseline !== ''),
    suppressions: inputs.getPath('suppressions'),
    sarifOutput: inputs.getPath('sarif-output') || path.join(workspaceRoot(), 'security-scan.sarif'),
    jsonOutput: inputs.getPath('json-output') || path.join(workspaceRoot(), 'security-scan.json'),
    maxAnnotations: inputs.getInteger('max-annotations', 50, { min: 0, max: 1000 }),
    maxReportBytes: maxBytes,
    comment: inputs.getBoolean('comment', true),
    githubToken: tokenInput(),
  };
}

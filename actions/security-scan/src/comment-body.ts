import { code, escapeHtml, link, Summary, TrustedHtml } from '@spikeformer-actions/core';
import type { Analysis, Counts } from './analyse.js';
import { SEVERITIES, type Severity } from './model.js';

/** This action's comment marker: one comment per pull request, updated in place. */
export const COMMENT_MARKER = '<!-- spikeformer-actions/security-scan -->';
/** New findings listed by name; the rest are counted ("and N more"). */
export const MAX_LISTED = 30;
const MAX_MESSAGE_CHARS = 200;

/** A new finding as the comment shows it. */
export interface CommentFinding {
  severity: Severity;
  rule: string;
  message: string;
  /** Workspace-relative, for the link; absent for dependency findings and paths outside. */
  path?: string;
  line?: number;
  endLine?: number;
  /** `name@version` of a dependency finding. */
  package?: string;
}

/** Everything the comment says: built from this run's analysis, or read from an earlier run's JSON output. */
export interface CommentData {
  status: 'passed' | 'failed';
  reason: string;
  counts: Counts;
  /** The first new findings, most severe first (at most MAX_LISTED). */
  listed: CommentFinding[];
  /** How many new findings there are in all. */
  newTotal: number;
}

/** Where links point: the repository's files at the commit scanned, and the run. */
export interface CommentLinks {
  server: string;
  repository: string;
  sha: string;
  runUrl?: string;
}

export function commentDataOf(a: Analysis): CommentData {
  const fresh = a.active.filter((f) => (a.comparison.state.get(f.fingerprint) ?? 'new') === 'new');
  return {
    status: a.decision.status,
    reason: a.decision.reason,
    counts: a.counts,
    newTotal: fresh.length,
    listed: fresh.slice(0, MAX_LISTED).map((f) => {
      const c: CommentFinding = { severity: f.severity, rule: f.ruleId, message: f.message };
      const loc = f.location;
      if (loc?.inWorkspace) {
        c.path = loc.path;
        if (loc.line !== undefined) c.line = loc.line;
        if (loc.endLine !== undefined) c.endLine = loc.endLine;
      }
      if (f.package !== undefined) c.package = `${f.package.name}@${f.package.version}`;
      return c;
    }),
  };
}

/** A file and its lines on GitHub, every path segment encoded. */
export function blobUrl(l: CommentLinks, file: string, line?: number, endLine?: number): string {
  const segments = file.split('/').map(encodeURIComponent).join('/');
  const anchor = line === undefined ? '' : `#L${line}${endLine !== undefined && endLine > line ? `-L${endLine}` : ''}`;
  return `${l.server}/${l.repository}/blob/${l.sha}/${segments}${anchor}`;
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX_MESSAGE_CHARS ? `${one.slice(0, MAX_MESSAGE_CHARS - 1)}…` : one;
}

function findingItem(f: CommentFinding, l: CommentLinks): TrustedHtml {
  const where =
    f.path !== undefined && l.repository !== ''
      ? ` — ${link(`${f.path}${f.line === undefined ? '' : `:${f.line}`}`, blobUrl(l, f.path, f.line, f.endLine)).html}`
      : f.path !== undefined
        ? ` — ${code(`${f.path}${f.line === undefined ? '' : `:${f.line}`}`).html}`
        : f.package !== undefined
          ? ` — ${code(f.package).html}`
          : '';
  return new TrustedHtml(
    `<strong>${f.severity}</strong> ${code(short(f.rule)).html} ${escapeHtml(short(f.message))}${where}`,
  );
}

/**
 * The PR comment: verdict, counts by severity, the new findings linked to their lines, and
 * the suppressed count. Short by design; the job summary has the rest. Every string from a
 * report or a JSON file is escaped by Summary (HTML and Markdown render in comments).
 */
export function commentBody(d: CommentData, l: CommentLinks): string {
  const s = new Summary();
  s.raw(new TrustedHtml(COMMENT_MARKER));
  s.heading(`Security scan: ${d.status === 'passed' ? 'passed ✅' : 'failed ❌'}`, 3);
  s.paragraph(short(d.reason));
  const c = d.counts;
  s.table(
    [...SEVERITIES.map((v) => v[0]!.toUpperCase() + v.slice(1)), 'New', 'Fixed', 'Suppressed'],
    [[...SEVERITIES.map((v) => String(c[v])), String(c.new), String(c.fixed), String(c.suppressed)]],
  );
  if (d.newTotal > 0) {
    const body = new Summary().list(d.listed.map((f) => findingItem(f, l)));
    if (d.newTotal > d.listed.length) body.paragraph(`… and ${d.newTotal - d.listed.length} more.`);
    s.details(`New findings (${d.newTotal})`, body, d.status === 'failed');
  } else s.paragraph('No new findings.');
  if (l.runUrl) s.paragraph(link('Details in the job summary', l.runUrl));
  return s.toString();
}

import { code, Summary, type Cell } from '@spikeformer-actions/core';
import type { Analysis } from './analyse.js';
import type { ReportRecord } from './json-out.js';
import { compareText, SEVERITIES, type Finding } from './model.js';
import { describeSuppression } from './suppressions.js';

const TOP = 25;

function clipText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function where(f: Finding): string {
  if (f.package) return `${f.package.ecosystem}:${f.package.name}@${f.package.version}`;
  const l = f.location;
  if (!l) return f.reports[0] ?? '';
  return l.line === undefined ? l.path : `${l.path}:${l.line}`;
}

export interface SummaryContext {
  reports: readonly ReportRecord[];
  baseline: boolean;
  sarifTrimmed: readonly string[];
  annotationsOmitted: number;
}

/** The job summary: gate, counts per severity and tool, new vs baseline, the most severe findings, suppressions. */
export function buildSummary(a: Analysis, ctx: SummaryContext): Summary {
  const s = new Summary();
  s.heading(`Security scan: ${a.decision.status}`, 2);
  s.paragraph(
    `${a.decision.reason}. ${a.counts.total} finding(s) from ${ctx.reports.length} report(s) (${a.rawCount} reported, ${a.merged} merged as duplicates), ${a.counts.suppressed} suppressed.`,
  );
  const newBy = new Map<string, number>();
  for (const f of a.active)
    if (a.comparison.state.get(f.fingerprint) === 'new') newBy.set(f.severity, (newBy.get(f.severity) ?? 0) + 1);
  const headers = ctx.baseline ? ['Severity', 'Findings', 'New'] : ['Severity', 'Findings'];
  s.table(
    headers,
    SEVERITIES.map((sev) => (ctx.baseline ? [sev, a.counts[sev], newBy.get(sev) ?? 0] : [sev, a.counts[sev]])),
  );
  if (ctx.baseline)
    s.paragraph(
      `Against the baseline: ${a.counts.new} new, ${a.active.length - a.counts.new} existing, ${a.counts.fixed} fixed.`,
    );
  if (a.byTool.size > 0) {
    s.table(
      ['Tool', ...SEVERITIES],
      [...a.byTool]
        .sort((x, y) => compareText(x[0], y[0]))
        .map(([tool, row]) => [tool, ...SEVERITIES.map((sev) => row[sev])]),
    );
  }
  if (a.active.length > 0) {
    const rows: Cell[][] = a.active
      .slice(0, TOP)
      .map((f) => [
        f.severity,
        f.tools.join(', '),
        code(f.ruleId),
        where(f),
        clipText(f.description === undefined ? f.message : `${f.message}: ${f.description}`, 200),
        ...(ctx.baseline ? [a.comparison.state.get(f.fingerprint) ?? 'new'] : []),
      ]);
    s.heading(a.active.length > TOP ? `The ${TOP} most severe of ${a.active.length} findings` : 'Findings', 3);
    s.table(['Severity', 'Tools', 'Rule', 'Where', 'Message', ...(ctx.baseline ? ['State'] : [])], rows);
  }
  const sup = a.suppression;
  if (sup.used.length > 0 || sup.expired.length > 0 || sup.unused.length > 0 || sup.suppressed.length > 0) {
    const items = [
      ...sup.used.map((u) => `used ${describeSuppression(u.entry)}: ${u.count} finding(s), because ${u.entry.reason}`),
      ...sup.expired.map(
        (e) => `EXPIRED ${describeSuppression(e.entry)}: no longer suppresses ${e.matched} finding(s)`,
      ),
      ...sup.unused.map((u) => `unused ${describeSuppression(u)}: matched nothing`),
    ];
    const inSource = sup.suppressed.filter((x) => x.entry === undefined).length;
    if (inSource > 0) items.push(`${inSource} finding(s) suppressed by the tools themselves (in-source or policy)`);
    s.heading('Suppressions', 3).list(items);
  }
  if (ctx.sarifTrimmed.length > 0) s.heading('SARIF trimmed to GitHub limits', 3).list(ctx.sarifTrimmed);
  if (ctx.annotationsOmitted > 0)
    s.paragraph(
      `${ctx.annotationsOmitted} more code finding(s) were not annotated (max-annotations); all are in the SARIF and JSON outputs.`,
    );
  const reportRows = ctx.reports.map((r) => [r.file, r.format, r.toolVersion ?? '', r.findings, r.notes.length]);
  const notes = ctx.reports.flatMap((r) => r.notes.map((n) => `${r.file}: ${n}`));
  const details = new Summary().table(['Report', 'Format', 'Tool', 'Findings', 'Tool notes'], reportRows);
  if (notes.length > 0) details.list(notes.slice(0, 100));
  s.details(`Reports read (${ctx.reports.length})`, details);
  return s;
}

import { compareWithBaseline, type BaselineComparison, type BaselineEntry } from './baseline.js';
import type { LineSource } from './fingerprint.js';
import { judge, type FailOn, type GateDecision } from './gate.js';
import { mergeFindings } from './merge.js';
import { compareFindings, SEVERITIES, type Finding, type RawFinding, type Severity } from './model.js';
import { applySuppressions, type Suppression, type SuppressionOutcome } from './suppressions.js';

export interface AnalyseOptions {
  failOn: FailOn;
  newOnly: boolean;
  /** YYYY-MM-DD (UTC), for suppression expiry. */
  today: string;
  lines: LineSource;
  baseline?: readonly BaselineEntry[];
  suppressions: readonly Suppression[];
}

export type Counts = Record<Severity, number> & { total: number; new: number; fixed: number; suppressed: number };

export interface Analysis {
  /** Unsuppressed findings, most severe first. */
  active: Finding[];
  suppression: SuppressionOutcome;
  comparison: BaselineComparison;
  decision: GateDecision;
  counts: Counts;
  rawCount: number;
  merged: number;
  byTool: Map<string, Record<Severity, number>>;
}

/** Raw findings of every report → deduplicated, suppressed, compared and judged. */
export function analyse(raw: readonly RawFinding[], options: AnalyseOptions): Analysis {
  const { findings, merged } = mergeFindings(raw, options.lines);
  const suppression = applySuppressions(findings, options.suppressions, options.today);
  suppression.active.sort(compareFindings);
  const comparison = compareWithBaseline(findings, options.baseline);
  const decision = judge(suppression.active, comparison.state, options.failOn, options.newOnly);
  const counts: Counts = {
    total: suppression.active.length,
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
    info: 0,
    new: 0,
    fixed: comparison.fixed.length,
    suppressed: suppression.suppressed.length,
  };
  const byTool = new Map<string, Record<Severity, number>>();
  for (const f of suppression.active) {
    counts[f.severity]++;
    if (comparison.state.get(f.fingerprint) === 'new') counts.new++;
    for (const tool of f.tools) {
      let row = byTool.get(tool);
      if (!row) {
        row = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
        byTool.set(tool, row);
      }
      row[f.severity]++;
    }
  }
  return {
    active: suppression.active,
    suppression,
    comparison,
    decision,
    counts,
    rawCount: raw.length,
    merged,
    byTool,
  };
}

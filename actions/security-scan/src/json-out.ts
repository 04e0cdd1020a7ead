import type { Analysis } from './analyse.js';
import { JSON_SCHEMA_ID, JSON_VERSION, type BaselineEntry } from './baseline.js';
import type { Finding } from './model.js';
import type { FailOn } from './gate.js';
import { describeSuppression, type SuppressionOutcome } from './suppressions.js';

type Suppressed = SuppressionOutcome['suppressed'][number];

export interface ReportRecord {
  file: string;
  format: string;
  toolVersion?: string;
  findings: number;
  notes: string[];
}

export interface JsonContext {
  generatedAt: string;
  failOn: FailOn;
  newOnly: boolean;
  baseline?: string;
  reports: readonly ReportRecord[];
  sarif?: { file: string; runs: number; results: number; gzipBytes: number; trimmed: readonly string[] };
}

/**
 * The versioned JSON output (also the next run's baseline), as chunks of text: one finding per
 * line, so a large result is written piecewise without one huge string, and diffs well.
 */
export function* renderJsonChunks(analysis: Analysis, ctx: JsonContext): Generator<string> {
  const { state } = analysis.comparison;
  const head = {
    schema: JSON_SCHEMA_ID,
    version: JSON_VERSION,
    generatedAt: ctx.generatedAt,
    status: analysis.decision.status,
    gate: { failOn: ctx.failOn, newOnly: ctx.newOnly, reason: analysis.decision.reason, failing: analysis.decision.failing.length },
    counts: analysis.counts,
    baseline: ctx.baseline ?? null,
    reports: ctx.reports,
    sarif: ctx.sarif ?? null,
    suppressions: {
      used: analysis.suppression.used.map((u) => ({ entry: describeSuppression(u.entry), reason: u.entry.reason, count: u.count })),
      unused: analysis.suppression.unused.map((s) => ({ entry: describeSuppression(s), reason: s.reason })),
      expired: analysis.suppression.expired.map((e) => ({ entry: describeSuppression(e.entry), reason: e.entry.reason, expires: e.entry.expires, matched: e.matched })),
    },
  };
  yield `${JSON.stringify(head, null, 2).replace(/\n}$/, ',')}\n`;
  function* list<T>(name: string, items: readonly T[], toJson: (item: T) => string, last: boolean): Generator<string> {
    if (items.length === 0) {
      yield `  "${name}": []${last ? '' : ','}\n`;
      return;
    }
    yield `  "${name}": [\n`;
    const n = items.length;
    // Batches of lines keep the number of chunks (and writes) small.
    let batch = '';
    for (let i = 0; i < n; i++) {
      batch += `    ${toJson(items[i] as T)}${i < n - 1 ? ',' : ''}\n`;
      if (batch.length > 1 << 20) {
        yield batch;
        batch = '';
      }
    }
    yield `${batch}  ]${last ? '' : ','}\n`;
  }
  // The state goes first in each finding's object, spliced in without copying the finding.
  yield* list('findings', analysis.active, (f: Finding) => `{"state":"${state.get(f.fingerprint) ?? 'new'}",${JSON.stringify(f).slice(1)}`, false);
  yield* list('suppressed', analysis.suppression.suppressed, (s: Suppressed) => JSON.stringify({ reason: s.reason, ...(s.entry === undefined ? {} : { entry: s.entry }), finding: s.finding }), false);
  yield* list('fixed', analysis.comparison.fixed, (b: BaselineEntry) => JSON.stringify(b), true);
  yield '}\n';
}

export function renderJson(analysis: Analysis, ctx: JsonContext): string {
  return [...renderJsonChunks(analysis, ctx)].join('');
}

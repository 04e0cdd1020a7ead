// The spans of one trace as a waterfall: each span a row under its parent, children by start
// time, a bar placed by start and sized by duration on the trace's time axis. Static HTML.
import type { AttributeValue, ReceivedSpan } from './otlp-receiver.ts';

export interface WaterfallRow {
  span: ReceivedSpan;
  depth: number;
  /** From the start of the earliest span. */
  offsetMs: number;
  durationMs: number;
}

const byStart = (a: ReceivedSpan, b: ReceivedSpan): number =>
  a.startMs - b.startMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Depth-first from the roots (spans whose parent is not among them), children by start time. */
export function waterfallRows(spans: readonly ReceivedSpan[]): WaterfallRow[] {
  const unique = [...new Map(spans.map((s) => [s.spanId, s])).values()];
  if (unique.length === 0) return [];
  const t0 = Math.min(...unique.map((s) => s.startMs));
  const ids = new Set(unique.map((s) => s.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  for (const s of unique) {
    const parent = ids.has(s.parentSpanId) ? s.parentSpanId : '';
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const rows: WaterfallRow[] = [];
  const visit = (parent: string, depth: number): void => {
    for (const span of (children.get(parent) ?? []).sort(byStart)) {
      rows.push({ span, depth, offsetMs: span.startMs - t0, durationMs: Math.max(0, span.endMs - span.startMs) });
      // A span's id is unique in the set, so each is visited once and the walk ends.
      visit(span.spanId, depth + 1);
    }
  };
  visit('', 0);
  return rows;
}

const seconds = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
const shown = (v: AttributeValue): string => (Array.isArray(v) ? v.map(shown).join(', ') : String(v));

export function renderWaterfall(
  traceId: string,
  spans: readonly ReceivedSpan[],
  escape: (text: string) => string,
): string {
  const rows = waterfallRows(spans);
  if (rows.length === 0) return '';
  const total = Math.max(1, ...rows.map((r) => r.offsetMs + r.durationMs));
  const body = rows
    .map(({ span, depth, offsetMs, durationMs }) => {
      const error = span.status.code === 'STATUS_CODE_ERROR';
      const left = ((offsetMs / total) * 100).toFixed(2);
      const width = Math.max(0.3, (durationMs / total) * 100).toFixed(2);
      const details = Object.entries(span.attributes)
        .map(([k, v]) => `${k}=${shown(v)}`)
        .concat(error && span.status.message ? [`status: ${span.status.message}`] : [])
        .join('\n');
      return (
        `<tr class="span" data-span-id="${escape(span.spanId)}" data-parent-span-id="${escape(span.parentSpanId)}" data-depth="${depth}" title="${escape(details)}">` +
        `<td class="name" style="padding-left:${0.4 + depth * 1.2}em">${escape(span.name)}${error ? ' <span class="err">error</span>' : ''}</td>` +
        `<td class="dur">${seconds(durationMs)}</td>` +
        `<td class="axis"><div class="bar${error ? ' bar-error' : ''}" style="margin-left:${left}%;width:${width}%"></div></td></tr>`
      );
    })
    .join('');
  return `<section id="trace" data-trace-id="${escape(traceId)}" data-spans="${rows.length}">
<h2>Trace</h2>
<p class="meta">trace <code>${escape(traceId)}</code> · ${rows.length} spans · ${seconds(total)} · exported by the actions over OTLP/HTTP to the local receiver (the run and job spans are recorded by the pipeline, as a CI collector would)</p>
<table class="waterfall"><tr><th>span</th><th>time</th><th>timeline</th></tr>${body}</table>
</section>`;
}

export const WATERFALL_CSS =
  '.waterfall{width:100%;table-layout:fixed}.waterfall td{border:none;border-bottom:1px solid #eaeef2;padding:2px 6px}' +
  '.waterfall .name{width:32%;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.waterfall .dur{width:9%;text-align:right;color:#59636e}' +
  '.waterfall .axis{position:relative}.bar{height:12px;background:#0969da;border-radius:2px}.bar-error{background:#cf222e}.err{color:#cf222e;font-size:.8em}';

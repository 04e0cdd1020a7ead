// Renders the pipeline's job summaries as one local HTML page: GitHub-flavoured Markdown via
// marked, mermaid blocks drawn in the browser by a local copy of mermaid (no network).
import { Marked, type Tokens } from 'marked';
import type { ReceivedSpan } from './otlp-receiver.ts';
import { renderWaterfall, WATERFALL_CSS } from './waterfall.ts';

export interface StageReport {
  name: string;
  action: string;
  /** passed | failed (as designed or not) | skipped */
  outcome: 'passed' | 'failed' | 'skipped';
  expected: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  summary: string;
  outputs: Record<string, string>;
  annotations: number;
  note: string;
  /** The stage's action span, when the run was traced. */
  spanId?: string;
}

/** The run's trace (with --trace): its id and every span of it. */
export interface TraceReport {
  traceId: string;
  spans: ReceivedSpan[];
}

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const marked = new Marked({
  gfm: true,
  renderer: {
    code(token: Tokens.Code): string {
      if (token.lang === 'mermaid') return `<pre class="mermaid">${escape(token.text)}</pre>\n`;
      return `<pre><code>${escape(token.text)}</code></pre>\n`;
    },
  },
});

export function renderMarkdown(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

/** Seconds per stage as a mermaid bar chart (the same xychart syntax the actions' summaries use). */
function durationChart(stages: readonly StageReport[]): string {
  const ran = stages.filter((s) => s.outcome !== 'skipped');
  if (ran.length === 0) return '';
  const labels = ran.map((s) => `"${s.name.replace(/[^a-z0-9-]/g, '')}"`).join(', ');
  const values = ran.map((s) => (s.durationMs / 1000).toFixed(1)).join(', ');
  const max = Math.max(1, ...ran.map((s) => Math.ceil(s.durationMs / 1000)));
  return `<pre class="mermaid">xychart-beta horizontal\n  title "Seconds per stage"\n  x-axis [${labels}]\n  y-axis "seconds" 0 --> ${max}\n  bar [${values}]</pre>`;
}

const BADGE: Record<StageReport['outcome'], string> = { passed: '#1a7f37', failed: '#cf222e', skipped: '#6e7781' };

export function renderReport(
  stages: readonly StageReport[],
  meta: { started: string; durationMs: number; sample: string; services: string[]; trace?: TraceReport },
): string {
  const rows = stages
    .map(
      (s) =>
        `<tr><td><a href="#${escape(s.name)}">${escape(s.name)}</a></td><td><span class="badge" style="background:${BADGE[s.outcome]}">${s.outcome}</span></td>` +
        `<td>${s.outcome === s.expected ? 'as designed' : `<strong>expected ${s.expected}</strong>`}</td><td>${(s.durationMs / 1000).toFixed(1)} s</td><td>${escape(s.note)}</td></tr>`,
    )
    .join('');
  const sections = stages
    .map(
      (s) => `<section class="stage" id="${escape(s.name)}" data-stage="${escape(s.name)}" data-outcome="${s.outcome}">
<h2>${escape(s.name)} <span class="badge" style="background:${BADGE[s.outcome]}">${s.outcome}</span></h2>
<p class="meta"><code>${escape(s.action)}</code> · ${(s.durationMs / 1000).toFixed(1)} s · ${s.annotations} annotation(s)${s.note ? ` · ${escape(s.note)}` : ''}</p>
${s.outcome === 'skipped' ? '' : `<div class="summary">${renderMarkdown(s.summary)}</div>`}
${
  Object.keys(s.outputs).length
    ? `<details><summary>outputs</summary><table>${Object.entries(s.outputs)
        .map(
          ([k, v]) =>
            `<tr><th>${escape(k)}</th><td><code>${escape(v.length > 300 ? `${v.slice(0, 300)}…` : v)}</code></td></tr>`,
        )
        .join('')}</table></details>`
    : ''
}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>spikeformer pipeline — local run</title>
<style>
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328;line-height:1.5}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
.badge{color:#fff;border-radius:1em;padding:1px 10px;font-size:.8em;font-weight:600}
.stage{border-top:2px solid #d0d7de;margin-top:2em}.meta{color:#59636e}pre{background:#f6f8fa;padding:8px;overflow:auto}
pre.mermaid{background:none}
${WATERFALL_CSS}
</style>
<script>
window.__errors = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
const originalError = console.error;
console.error = (...args) => { window.__errors.push(args.map(String).join(' ')); originalError(...args); };
</script>
<script src="mermaid.min.js"></script>
</head><body>
<h1>spikeformer pipeline — local run</h1>
<p class="meta">sample: <code>${escape(meta.sample)}</code> · started ${escape(meta.started)} · ${(meta.durationMs / 1000).toFixed(1)} s · services: ${escape(meta.services.join(', ') || 'none')}</p>
<table><tr><th>stage</th><th>outcome</th><th>design</th><th>time</th><th>note</th></tr>${rows}</table>
${durationChart(stages)}
${meta.trace ? renderWaterfall(meta.trace.traceId, meta.trace.spans, escape) : ''}
${sections}
<pre id="render-status" data-done="false"></pre>
<script>
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
mermaid.run({ querySelector: 'pre.mermaid' })
  .catch((e) => window.__errors.push('mermaid: ' + (e && e.message ? e.message : String(e))))
  .finally(() => {
    const status = document.getElementById('render-status');
    status.textContent = JSON.stringify({
      errors: window.__errors,
      charts: document.querySelectorAll('pre.mermaid').length,
      svgs: document.querySelectorAll('pre.mermaid svg').length,
      stages: [...document.querySelectorAll('section.stage')].map((s) => s.dataset.stage),
    });
    status.dataset.done = 'true';
  });
</script>
</body></html>
`;
}

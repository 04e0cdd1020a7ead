import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobSpanId, runSpanId, runTraceId } from '../packages/core/lib/tracing/ids.js';
import { repoRoot } from '../scripts/lib/actions.ts';
import type { ReceivedSpan } from '../scripts/pipeline/otlp-receiver.ts';
import { STAGES } from '../scripts/pipeline/stages.ts';

// The local pipeline's workflow run (scripts/pipeline.ts --trace).
const RUN = {
  GITHUB_REPOSITORY: 'spikeformer/spikeformer-kit',
  GITHUB_RUN_ID: '9000000001',
  GITHUB_RUN_ATTEMPT: '1',
};

const out = path.join(repoRoot, '.local/pipeline-test');
const artifacts = path.join(repoRoot, '.local/artifacts');

function chromium(): string {
  for (const bin of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(bin)) return bin;
  throw new Error('chromium is not installed (Debian package chromium; .ci/system-deps.sh installs it)');
}

describe('the local pipeline (main job), traced', { timeout: 600_000 }, () => {
  it('runs every stage on the sample with the designed outcome in one trace, and renders the report with its waterfall', () => {
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/pipeline.ts'), '--trace', '--out', out], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 540_000,
    });
    expect(run.stdout).toContain('pipeline: every stage ended as designed');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const stages = JSON.parse(readFileSync(path.join(out, 'stages.json'), 'utf8')) as Array<{
      name: string;
      outcome: string;
      expected: string;
    }>;
    expect(stages.map((s) => s.name)).toEqual(STAGES.map((s) => s.name));
    for (const stage of stages) if (stage.outcome !== 'skipped') expect(stage.outcome, stage.name).toBe(stage.expected);

    // One trace for the run: nested run → job → action, each stage one span with its result.
    expect(run.stdout).toMatch(/^trace [0-9a-f]{32}: \d+ spans$/m);
    const env = { ...RUN, GITHUB_JOB: 'main' };
    const trace = JSON.parse(readFileSync(path.join(out, 'trace.json'), 'utf8')) as {
      traceId: string;
      spans: ReceivedSpan[];
    };
    expect(trace.traceId).toBe(runTraceId(env));
    expect(new Set(trace.spans.map((s) => s.traceId))).toEqual(new Set([trace.traceId]));
    const root = trace.spans.filter((s) => s.parentSpanId === '');
    expect(root.map((s) => [s.name, s.spanId])).toEqual([['CI', runSpanId(env)]]);
    expect(trace.spans.filter((s) => s.parentSpanId === runSpanId(env)).map((s) => [s.name, s.spanId])).toEqual([
      ['main', jobSpanId(env)],
    ]);
    const traced = JSON.parse(readFileSync(path.join(out, 'stages.json'), 'utf8')) as Array<{
      name: string;
      action: string;
      outcome: string;
      outputs: Record<string, string>;
      spanId?: string;
    }>;
    const ran = traced.filter((s) => s.outcome !== 'skipped');
    expect(ran.map((s) => s.name)).toEqual(STAGES.map((s) => s.name));
    for (const stage of ran) {
      const span = trace.spans.find((s) => s.spanId === stage.spanId);
      expect(span?.name, stage.name).toBe(stage.action);
      expect(span?.parentSpanId, stage.name).toBe(jobSpanId(env));
      expect(span?.status.code, stage.name).toBe(
        stage.outcome === 'failed' ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET',
      );
      expect(span?.attributes['spikeformer.action.status'], stage.name).toBe(stage.outputs.status);
    }
    // The waterfall: every span once, each row under its parent, in start order among siblings.
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain(`<section id="trace" data-trace-id="${trace.traceId}" data-spans="${trace.spans.length}">`);
    const rows = [
      ...html.matchAll(
        /<tr class="span" data-span-id="([0-9a-f]+)" data-parent-span-id="([0-9a-f]*)" data-depth="(\d+)"/g,
      ),
    ].map((m) => ({ id: m[1], parent: m[2], depth: Number(m[3]) }));
    expect(rows.map((r) => r.id).sort()).toEqual(trace.spans.map((s) => s.spanId).sort());
    for (const [i, row] of rows.entries()) {
      if (row.depth === 0) continue;
      const parentAt = rows.findLastIndex((r, j) => j < i && r.id === row.parent);
      expect(parentAt, row.id).toBeGreaterThanOrEqual(0);
      expect(row.depth).toBe((rows[parentAt]?.depth ?? -2) + 1);
    }
    expect(rows.filter((r) => r.depth === 2).map((r) => trace.spans.find((s) => s.spanId === r.id)?.name)).toEqual(
      trace.spans
        .filter((s) => s.parentSpanId === jobSpanId(env))
        .sort((a, b) => a.startMs - b.startMs)
        .map((s) => s.name),
    );

    // The report in a real browser: every stage present, every chart drawn as SVG, no errors.
    mkdirSync(artifacts, { recursive: true });
    const url = `file://${path.join(out, 'report.html')}`;
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--virtual-time-budget=20000',
      '--allow-file-access-from-files',
    ];
    const dom = spawnSync(chromium(), [...flags, '--dump-dom', url], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const match = /<pre id="render-status" data-done="true">([^<]*)<\/pre>/.exec(dom.stdout);
    expect(match, `render status not found; chromium said: ${dom.stderr.slice(-2000)}`).not.toBeNull();
    const status = JSON.parse((match?.[1] ?? '{}').replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as {
      errors: string[];
      charts: number;
      svgs: number;
      stages: string[];
    };
    expect(status.errors).toEqual([]);
    expect(status.stages).toEqual(STAGES.map((s) => s.name));
    expect(status.charts).toBeGreaterThan(0);
    expect(status.svgs).toBe(status.charts);
    const shot = spawnSync(
      chromium(),
      [
        ...flags,
        '--hide-scrollbars',
        '--window-size=1280,2400',
        `--screenshot=${path.join(artifacts, 'pipeline-report.png')}`,
        url,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(shot.status, shot.stderr.slice(-2000)).toBe(0);
    expect(existsSync(path.join(artifacts, 'pipeline-report.png'))).toBe(true);
  });
});

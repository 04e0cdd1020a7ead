// The main job, locally: runs every stage of the pipeline on the embedded sample
// (examples/sample-project) through the runner-faithful harness, stage by stage, then writes
// an HTML report of every job summary with the mermaid charts drawn.
// Usage: node scripts/pipeline.ts [--out DIR] [--trace]   (default .local/pipeline in the repository)
//   --trace  starts a local OTLP receiver, runs every stage with OTEL_EXPORTER_OTLP_ENDPOINT
//            set to it, and draws the run's trace in the report as a waterfall.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jobSpanId, runSpanId, runTraceId } from '../packages/core/lib/tracing/ids.js';
import { ensureBundled, runBundledAction } from '../packages/testing/lib/index.js';
import { actionsDir, callerDir, repoRoot } from './lib/actions.ts';
import { startDeliveryServices } from './pipeline/delivery-services.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './pipeline/otlp-receiver.ts';
import { renderReport, type StageReport, type TraceReport } from './pipeline/report-html.ts';
import { type Service, STAGES, type StageContext } from './pipeline/stages.ts';

const args = process.argv.slice(2);
const traced = args.includes('--trace');
const outAt = args.indexOf('--out');
const outArg = outAt >= 0 ? args[outAt + 1] : undefined;
// --out is relative to where the command was typed (pnpm starts the script at the root).
const out = outArg
  ? path.resolve(callerDir(process.env, process.cwd()), outArg)
  : path.join(repoRoot, '.local/pipeline');
const sample = path.join(repoRoot, 'examples/sample-project');
const workspace = path.join(out, 'workspace');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(sample, workspace, { recursive: true });

const closers: Array<() => Promise<void>> = [];
const started: Partial<Record<Service | 'otlp', string>> = {};
const ctx: StageContext = { workspace, outputs: {}, serviceEnv: {}, serviceInputs: {} };

async function start(service: Service): Promise<void> {
  if (started[service]) return;
  if (service === 'sigstore') {
    const { startSigstoreServices } = await import('../packages/testing/lib/sigstore/index.js');
    const sigstore = await startSigstoreServices();
    closers.push(() => sigstore.close());
    const trustedRoot = path.join(workspace, '.sigstore-trusted-root.json');
    writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot, null, 2));
    Object.assign(ctx.serviceEnv, sigstore.idTokenEnv());
    Object.assign(ctx.serviceInputs, {
      'fulcio-url': sigstore.fulcioURL,
      'rekor-url': sigstore.rekorURL,
      'trusted-root': trustedRoot,
    });
    started.sigstore = `local Sigstore stand-in (@sigstore/mock Fulcio/Rekor/TSA at ${sigstore.url})`;
  } else {
    const delivery = await startDeliveryServices(workspace);
    closers.push(() => delivery.close());
    Object.assign(ctx.serviceEnv, delivery.env);
    Object.assign(ctx.serviceInputs, { namespace: delivery.namespace, 'prometheus-url': delivery.prometheusUrl ?? '' });
    started.kubernetes = delivery.description.join('; ');
  }
}

// The workflow run the stages belong to (the harness's run id and attempt); its trace and job
// span ids are the ones every action derives from these variables.
const RUN_ENV = {
  GITHUB_REPOSITORY: 'spikeformer/spikeformer-kit',
  GITHUB_RUN_ID: '9000000001',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'main',
  GITHUB_WORKFLOW: 'CI',
};
let receiver: OtlpReceiver | undefined;
const traceEnv: Record<string, string> = {};
if (traced) {
  receiver = await startOtlpReceiver();
  closers.push(() => receiver?.close() ?? Promise.resolve());
  Object.assign(traceEnv, RUN_ENV, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_SERVICE_NAME: 'spikeformer-pipeline',
  });
  started.otlp = `local OTLP/HTTP receiver at ${receiver.endpoint}`;
}

const t0 = performance.now();
const reports: StageReport[] = [];
console.log(`spikeformer pipeline on ${path.relative(repoRoot, sample)} → ${path.relative(process.cwd(), out) || '.'}`);
const present = STAGES.filter((s) => existsSync(path.join(actionsDir, s.action, 'action.yml')));
process.stdout.write(`bundling ${present.length} actions (once; later runs reuse dist/) … `);
for (const stage of present) ensureBundled(path.join(actionsDir, stage.action));
console.log(`done (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
const stagesStartedAt = Date.now();
try {
  for (const [index, stage] of STAGES.entries()) {
    const label = `[${index + 1}/${STAGES.length}] ${stage.name}`;
    const actionDir = path.join(actionsDir, stage.action);
    if (!existsSync(path.join(actionDir, 'action.yml'))) {
      console.log(`▷ ${label}: skipped — the ${stage.action} action is not built yet`);
      reports.push({
        name: stage.name,
        action: stage.action,
        outcome: 'skipped',
        expected: stage.expected,
        durationMs: 0,
        summary: '',
        outputs: {},
        annotations: 0,
        note: 'action not built yet',
      });
      continue;
    }
    const stageStart = performance.now();
    for (const service of stage.services ?? []) await start(service);
    const skipped = stage.skip?.(ctx);
    if (skipped) {
      console.log(`▷ ${label}: skipped — ${skipped}`);
      reports.push({
        name: stage.name,
        action: stage.action,
        outcome: 'skipped',
        expected: stage.expected,
        durationMs: 0,
        summary: '',
        outputs: {},
        annotations: 0,
        note: skipped,
      });
      continue;
    }
    process.stdout.write(`▶ ${label} … `);
    if (stage.seed) {
      // A run that prepares what the stage compares against (e.g. the benchmark history).
      // An earlier workflow run: its own run id, as the history keys runs by id.
      const seed = await runBundledAction(actionDir, {
        inputs: stage.seed(ctx),
        workspace,
        env: { ...ctx.serviceEnv, ...traceEnv, GITHUB_RUN_ID: '9000000000', GITHUB_RUN_NUMBER: '41' },
      });
      if (seed.exitCode !== 0) throw new Error(`${stage.name}: the seed run failed:\n${seed.stdout}`);
      ctx.outputs[`${stage.name}:seed`] = seed.outputs;
    }
    const result = await runBundledAction(actionDir, {
      inputs: stage.inputs(ctx),
      workspace,
      env: { ...ctx.serviceEnv, ...traceEnv },
    });
    const outcome = result.exitCode === 0 ? 'passed' : 'failed';
    const durationMs = performance.now() - stageStart;
    ctx.outputs[stage.name] = result.outputs;
    const firstError = result.annotations.find((a) => a.level === 'error')?.message ?? '';
    reports.push({
      name: stage.name,
      action: stage.action,
      outcome,
      expected: stage.expected,
      durationMs,
      summary: result.summary,
      outputs: result.outputs,
      annotations: result.annotations.length,
      note: outcome === stage.expected ? stage.why : `${stage.why} — ${firstError}`,
    });
    const mark =
      outcome === stage.expected
        ? outcome === 'passed'
          ? '✔ passed'
          : '✘ failed, as designed'
        : `✘ ${outcome}, expected ${stage.expected}`;
    console.log(`${mark} (${(durationMs / 1000).toFixed(1)} s)`);
    if (outcome !== stage.expected && firstError) console.log(`    ${firstError.split('\n')[0]}`);
  }
} finally {
  for (const close of closers.reverse()) await close();
}

const durationMs = performance.now() - t0;
const trace = receiver ? traceOfRun(receiver.spans(), stagesStartedAt, Date.now()) : undefined;
if (trace) {
  for (const report of reports)
    report.spanId = trace.spans.find((s) => s.name === report.action && s.parentSpanId === jobSpanId(RUN_ENV))?.spanId;
  writeFileSync(path.join(out, 'trace.json'), JSON.stringify(trace, null, 2));
  console.log(`trace ${trace.traceId}: ${trace.spans.length} spans`);
}
const html = renderReport(reports, {
  started: new Date().toISOString(),
  durationMs,
  sample: path.relative(repoRoot, sample),
  services: Object.values(started),
  trace,
});
writeFileSync(path.join(out, 'report.html'), html);
cpSync(path.join(repoRoot, 'node_modules/mermaid/dist/mermaid.min.js'), path.join(out, 'mermaid.min.js'));
writeFileSync(
  path.join(out, 'stages.json'),
  JSON.stringify(
    reports.map(({ summary: _s, ...r }) => r),
    null,
    2,
  ),
);
const unexpected = reports.filter((r) => r.outcome !== 'skipped' && r.outcome !== r.expected);
console.log(`\nreport: file://${path.join(out, 'report.html')}`);
console.log(
  unexpected.length === 0
    ? 'pipeline: every stage ended as designed'
    : `pipeline: ${unexpected.length} stage(s) did not end as designed: ${unexpected.map((r) => r.name).join(', ')}`,
);
process.exit(unexpected.length === 0 ? 0 : 1);

/**
 * The spans of this run's trace, with the run and job spans the actions hang under. On GitHub a
 * collector records those two from the workflow's events; here the pipeline stands in for it,
 * with the ids every action derives. Spans of other runs (the seed runs) are left out.
 */
function traceOfRun(spans: readonly ReceivedSpan[], startMs: number, endMs: number): TraceReport {
  const traceId = runTraceId(RUN_ENV) ?? '';
  const runSpan = runSpanId(RUN_ENV) ?? '';
  const jobSpan = jobSpanId(RUN_ENV) ?? '';
  const recorded = {
    'cicd.pipeline.name': RUN_ENV.GITHUB_WORKFLOW,
    'cicd.pipeline.run.id': RUN_ENV.GITHUB_RUN_ID,
    'spikeformer.recorded-by': 'scripts/pipeline.ts',
  };
  const status = { code: 'STATUS_CODE_UNSET', message: '' };
  const resource = { 'service.name': 'spikeformer-pipeline' };
  const own = [
    {
      traceId,
      spanId: runSpan,
      parentSpanId: '',
      name: RUN_ENV.GITHUB_WORKFLOW,
      startMs,
      endMs,
      status,
      attributes: recorded,
      resource,
      scope: 'scripts/pipeline.ts',
    },
    {
      traceId,
      spanId: jobSpan,
      parentSpanId: runSpan,
      name: RUN_ENV.GITHUB_JOB,
      startMs,
      endMs,
      status,
      attributes: { ...recorded, 'cicd.pipeline.task.name': RUN_ENV.GITHUB_JOB },
      resource,
      scope: 'scripts/pipeline.ts',
    },
  ];
  return { traceId, spans: [...own, ...spans.filter((s) => s.traceId === traceId)] };
}

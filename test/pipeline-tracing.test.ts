import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAction } from '../packages/core/lib/runner.js';
import { jobSpanId, runTraceId } from '../packages/core/lib/tracing/ids.js';
import { withSpan } from '../packages/core/lib/tracing/index.js';
import { ensureBundled, runBundledAction, type RunResult } from '../packages/testing/lib/index.js';
import { actionsDir, repoRoot } from '../scripts/lib/actions.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../scripts/pipeline/otlp-receiver.ts';

// Tracing end to end: the bundled actions export their spans over OTLP/HTTP to a local
// receiver that decodes them with OpenTelemetry's protobuf definitions.

// The harness's workflow run (packages/testing run-action.ts).
const RUN = {
  GITHUB_REPOSITORY: 'spikeformer/spikeformer-kit',
  GITHUB_RUN_ID: '9000000001',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'test',
};
const TRACE = runTraceId(RUN) ?? '';
const JOB = jobSpanId(RUN) ?? '';
const sample = path.join(repoRoot, 'examples/sample-project');
const securityScan = path.join(actionsDir, 'security-scan');
const qualityGate = path.join(actionsDir, 'quality-gate');
const scanInputs = { reports: 'reports/bandit.json', 'fail-on': 'high' };
const gateInputs = {
  coverage: 'reports/coverage.xml',
  junit: 'reports/junit.xml',
  lint: 'mypy:reports/mypy.txt\nblack:reports/black.txt',
  'min-coverage': '80',
  'max-type-errors': '0',
  'require-formatted': 'true',
};

let receiver: OtlpReceiver;
let scratch: string;
let workspace: string;
let hook: string;

beforeAll(async () => {
  ensureBundled(securityScan);
  ensureBundled(qualityGate);
  receiver = await startOtlpReceiver();
  scratch = mkdtempSync(path.join(tmpdir(), 'sf-pipeline-tracing-'));
  workspace = path.join(scratch, 'workspace');
  cpSync(sample, workspace, { recursive: true });
  // Records every module file node loads (the bundle's chunks included) in SF_LOADED_LOG.
  hook = path.join(scratch, 'record-loads.mjs');
  writeFileSync(
    hook,
    "import { registerHooks } from 'node:module';\nimport { appendFileSync } from 'node:fs';\n" +
      "registerHooks({ load(url, context, next) { if (url.startsWith('file:')) appendFileSync(process.env.SF_LOADED_LOG, url + '\\n'); return next(url, context); } });\n",
  );
}, 300_000);
afterAll(async () => {
  await receiver.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.failWith(undefined);
});

const traced = (extra: Record<string, string> = {}): Record<string, string> => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
  ...extra,
});
const mainEnv = (result: RunResult): Record<string, string> => result.stages.find((s) => s.stage === 'main')?.env ?? {};
const spanNamed = (name: string): ReceivedSpan[] => receiver.spans().filter((s) => s.name === name);

describe('spans of the bundled actions', { timeout: 120_000 }, () => {
  it('puts two actions of one run in one trace, under the job span, with the CI/CD attributes and their result', async () => {
    const scan = await runBundledAction(securityScan, { inputs: scanInputs, workspace, env: traced() });
    const gate = await runBundledAction(qualityGate, { inputs: gateInputs, workspace, env: traced() });
    expect(scan.exitCode).toBe(0);
    expect(gate.exitCode).toBe(1);
    const [scanSpan] = spanNamed('security-scan');
    const [gateSpan] = spanNamed('quality-gate');
    expect(receiver.spans().map((s) => s.traceId)).toEqual(receiver.spans().map(() => TRACE));
    expect(scanSpan?.parentSpanId).toBe(JOB);
    expect(gateSpan?.parentSpanId).toBe(JOB);
    expect(receiver.requests.map((r) => [r.path, r.contentType])).toEqual([
      ['/v1/traces', 'application/x-protobuf'],
      ['/v1/traces', 'application/x-protobuf'],
    ]);
    expect(scanSpan?.attributes).toMatchObject({
      'cicd.pipeline.name': 'CI',
      'cicd.pipeline.run.id': '9000000001',
      'cicd.pipeline.run.url.full': 'https://github.com/spikeformer/spikeformer-kit/actions/runs/9000000001/attempts/1',
      'cicd.pipeline.task.name': 'security-scan',
      'cicd.pipeline.task.run.id': '9000000001/1/test/__run',
      'cicd.pipeline.task.run.result': 'success',
      'spikeformer.action.status': 'passed',
      'vcs.repository.name': 'spikeformer-kit',
      'vcs.owner.name': 'spikeformer',
      'vcs.ref.head.revision': '0123456789abcdef0123456789abcdef01234567',
    });
    expect(scanSpan?.status).toEqual({ code: 'STATUS_CODE_UNSET', message: '' });
    expect(scanSpan?.resource['service.name']).toBe('spikeformer-actions');
    const gateError = gate.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(gateError).toHaveLength(1);
    expect(gateSpan?.status).toEqual({ code: 'STATUS_CODE_ERROR', message: gateError[0]?.split('\n')[0] });
    expect(gateSpan?.attributes).toMatchObject({
      'cicd.pipeline.task.run.result': 'failure',
      'spikeformer.action.status': 'failed',
    });
    // Later steps join the same parent.
    expect(mainEnv(scan).TRACEPARENT).toBe(`00-${TRACE}-${JOB}-01`);
    expect(scanSpan && gateSpan && scanSpan.endMs <= gateSpan.startMs).toBe(true);
  });

  it('starts a new trace for another attempt, another job span for another job, and follows TRACEPARENT', async () => {
    await runBundledAction(securityScan, { inputs: scanInputs, workspace, env: traced({ GITHUB_RUN_ATTEMPT: '2' }) });
    await runBundledAction(securityScan, { inputs: scanInputs, workspace, env: traced({ GITHUB_JOB: 'release' }) });
    const external = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await runBundledAction(securityScan, { inputs: scanInputs, workspace, env: traced({ TRACEPARENT: external }) });
    expect(receiver.spans().map((s) => [s.traceId, s.parentSpanId])).toEqual([
      [runTraceId({ ...RUN, GITHUB_RUN_ATTEMPT: '2' }), jobSpanId({ ...RUN, GITHUB_RUN_ATTEMPT: '2' })],
      [TRACE, jobSpanId({ ...RUN, GITHUB_JOB: 'release' })],
      ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'],
    ]);
    expect(new Set([TRACE, runTraceId({ ...RUN, GITHUB_RUN_ATTEMPT: '2' })]).size).toBe(2);
  });
});

describe('phases of an action (withSpan)', () => {
  it('nest under the action span, and under each other across awaits; a rejection marks the phase ERROR', async () => {
    const saved = { ...process.env };
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-phases-'));
    writeFileSync(path.join(dir, 'env'), '');
    Object.assign(process.env, RUN, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      GITHUB_ENV: path.join(dir, 'env'),
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await runAction(
        async () => {
          await withSpan('analysis', { step: 1, metrics: ['error-rate'] }, async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            await withSpan('query', { metric: 'error-rate' }, () => Promise.resolve());
          });
          await withSpan('verify', {}, () => Promise.reject(new Error('health check failed\ndetails'))).catch(
            () => undefined,
          );
        },
        { name: 'canary' },
      );
    } finally {
      vi.restoreAllMocks();
      process.env = saved;
      process.exitCode = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
    const byName = Object.fromEntries(receiver.spans().map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['analysis', 'canary', 'query', 'verify']);
    expect(byName.canary?.parentSpanId).toBe(JOB);
    expect(byName.analysis?.parentSpanId).toBe(byName.canary?.spanId);
    expect(byName.query?.parentSpanId).toBe(byName.analysis?.spanId);
    expect(byName.verify?.parentSpanId).toBe(byName.canary?.spanId);
    expect(byName.analysis?.attributes).toEqual({ step: 1, metrics: ['error-rate'] });
    expect(byName.verify?.status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'health check failed' });
    expect(byName.canary?.status.code).toBe('STATUS_CODE_UNSET');
    expect(receiver.spans().every((s) => s.traceId === TRACE)).toBe(true);
  });
});

describe('without an OTLP endpoint', { timeout: 120_000 }, () => {
  const dist = path.join(securityScan, 'dist');
  const chunks = (): string[] => readdirSync(dist).filter((f) => /^\d+\.index\.js$/.test(f));
  const holding = (text: string): string[] =>
    chunks().filter((f) => readFileSync(path.join(dist, f), 'utf8').includes(text));
  const loads = async (env: Record<string, string>): Promise<{ result: RunResult; files: string[] }> => {
    const log = path.join(scratch, `loaded-${Object.keys(env).length}-${Date.now()}.txt`);
    writeFileSync(log, '');
    const result = await runBundledAction(securityScan, {
      inputs: scanInputs,
      workspace,
      env: { NODE_OPTIONS: `--import=${pathToFileURL(hook).href}`, SF_LOADED_LOG: log, ...env },
    });
    const files = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(pathToFileURL(dist).href))
      .map((l) => path.basename(l));
    return { result, files };
  };

  it('keeps the SDK out of the main bundle: it sits in chunks of its own', () => {
    const main = readFileSync(path.join(dist, 'index.js'), 'utf8');
    for (const sdkCode of ['BatchSpanProcessor', 'application/x-protobuf', 'tracing: trace '])
      expect(main, sdkCode).not.toContain(sdkCode);
    expect(holding('BatchSpanProcessor')).toHaveLength(1);
    expect(holding('tracing: trace ')).toHaveLength(1);
  });

  it('reads no tracing module and sends nothing; with the endpoint set it reads them', async () => {
    const tracingChunks = [...holding('BatchSpanProcessor'), ...holding('tracing: trace ')].sort();
    const plain = await loads({});
    expect(plain.result.exitCode).toBe(0);
    expect(plain.files).toContain('index.js');
    expect(plain.files.filter((f) => tracingChunks.includes(f))).toEqual([]);
    expect(receiver.requests).toEqual([]);
    expect(plain.result.stdout).not.toContain('tracing');
    expect(mainEnv(plain.result).TRACEPARENT).toBeUndefined();

    const withEndpoint = await loads(traced());
    expect(withEndpoint.result.exitCode).toBe(0);
    expect(withEndpoint.files.filter((f) => tracingChunks.includes(f)).sort()).toEqual(tracingChunks);
    expect(receiver.requests).toHaveLength(1);
  });
});

// Hostile input: the OpenTelemetry variables come from the workflow author or a compromised
// earlier step. Their secrets never reach the log, summary, outputs or exported variables;
// whatever they hold, the action's own result is the one it has untraced.
describe('hostile tracing configuration', { timeout: 120_000 }, () => {
  const SECRET_HEADER = 'hdr-s3cret-0123456789';
  const SECRET_TOKEN = 'tok-s3cret-9876543210';
  const SECRET_PASSWORD = 'pw-s3cret-5555';
  const SECRET_QUERY = 'q-s3cret-4444';
  const SECRETS = [SECRET_HEADER, SECRET_TOKEN, SECRET_PASSWORD, SECRET_QUERY];
  const closedPort = async (): Promise<number> => {
    const s = http.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return port;
  };

  interface Case {
    name: string;
    env: () => Promise<Record<string, string>> | Record<string, string>;
    /** The one warning line expected (a regex), or none. */
    warning?: RegExp;
    /** Requests the receiver should see. */
    requests: number;
    failWith?: number;
  }
  const port = (): string => new URL(receiver.endpoint).port;
  const CASES: Case[] = [
    {
      name: 'secret headers and an endpoint with credentials',
      env: () => ({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://otel:${SECRET_PASSWORD}@127.0.0.1:${port()}/?api_key=${SECRET_QUERY}`,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://otel:${SECRET_PASSWORD}@127.0.0.1:${port()}/v1/traces?api_key=${SECRET_QUERY}`,
        OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${SECRET_HEADER},authorization=Bearer%20${SECRET_TOKEN}`,
      }),
      requests: 1,
    },
    {
      name: 'the receiver refuses the export (500)',
      env: () => traced({ OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${SECRET_TOKEN}` }),
      failWith: 500,
      warning:
        /^tracing: spans could not be sent to http:\/\/127\.0\.0\.1:\d+\/v1\/traces: Internal Server Error \(the action's result is unaffected\)$/,
      requests: 1,
    },
    {
      name: 'nothing listens at the endpoint, which has credentials',
      env: async () => ({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://otel:${SECRET_PASSWORD}@127.0.0.1:${await closedPort()}`,
        OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      }),
      warning:
        /^tracing: spans could not be sent to http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/v1\/traces: .*\(the action's result is unaffected\)$/,
      requests: 0,
    },
    {
      name: 'an endpoint that is a workflow command',
      env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: '::error::injected-endpoint' }),
      warning:
        /^tracing: OTEL_EXPORTER_OTLP_ENDPOINT \(or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT\) is not an http\(s\) URL; no spans are sent$/,
      requests: 0,
    },
    {
      name: 'a file: endpoint',
      env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: 'file:///etc/passwd' }),
      warning:
        /^tracing: OTEL_EXPORTER_OTLP_ENDPOINT \(or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT\) is not an http\(s\) URL; no spans are sent$/,
      requests: 0,
    },
    {
      name: 'a TRACEPARENT carrying workflow commands',
      env: () => traced({ TRACEPARENT: '::error::injected-parent%0A::warning::x\n::stop-commands::tok' }),
      requests: 1,
    },
    {
      name: 'a header value with a line break and a command',
      env: () => traced({ OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${SECRET_HEADER}%0A::error::injected-header` }),
      warning:
        /^tracing: spans could not be sent to http:\/\/127\.0\.0\.1:\d+\/v1\/traces: .*\(the action's result is unaffected\)$/,
      requests: 0,
    },
    {
      name: 'an ANSI escape and a command in the service name and resource attributes',
      env: () =>
        traced({
          OTEL_SERVICE_NAME: '\u001b[31m::error::injected-service',
          OTEL_RESOURCE_ATTRIBUTES: 'team=::warning::x',
        }),
      requests: 1,
    },
  ];

  it.each(CASES)('$name', async (c) => {
    if (c.failWith) receiver.failWith(c.failWith);
    const result = await runBundledAction(securityScan, { inputs: scanInputs, workspace, env: await c.env() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('Stack trace');
    const warnings = result.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings.filter((w) => w.startsWith('tracing:'))).toHaveLength(c.warning ? 1 : 0);
    if (c.warning) expect(warnings.find((w) => w.startsWith('tracing:'))).toMatch(c.warning);
    expect(result.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(receiver.requests).toHaveLength(c.requests);
    // Secrets appear only inside the add-mask commands that hide them.
    const unmasked = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    for (const secret of SECRETS) {
      expect(
        unmasked.filter((l) => l.includes(secret)),
        secret,
      ).toEqual([]);
      expect(result.summary).not.toContain(secret);
      expect(JSON.stringify(result.outputs)).not.toContain(secret);
      expect(JSON.stringify(mainEnv(result))).not.toContain(secret);
    }
    for (const line of unmasked) expect(line).not.toMatch(/^::(error|stop-commands)::|injected/);
    for (const span of receiver.spans()) {
      expect(span.traceId).toBe(TRACE);
      expect(span.parentSpanId).toBe(JOB);
    }
  });

  it('masks every secret before the first line that could show one', async () => {
    const result = await runBundledAction(securityScan, {
      inputs: scanInputs,
      workspace,
      env: (await CASES[0]?.env()) ?? {},
    });
    const lines = result.stdout.split('\n');
    const lastMask = lines.map((l) => l.startsWith('::add-mask::')).lastIndexOf(true);
    const tracingLine = lines.findIndex((l) => l.startsWith('tracing: trace '));
    expect(result.masks).toEqual(expect.arrayContaining(SECRETS));
    expect(lastMask).toBeLessThan(tracingLine);
    expect(lines[tracingLine]).toMatch(
      /^tracing: trace [0-9a-f]{32}, span [0-9a-f]{16}, sent to http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/v1\/traces\?api_key=\*\*\*$/,
    );
    expect(receiver.requests[0]?.headers['x-api-key']).toBe(SECRET_HEADER);
    expect(receiver.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET_TOKEN}`);
  });
});

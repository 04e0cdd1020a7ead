import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { parentOf } from '../src/tracing/action-trace.js';
import * as attributes from '../src/tracing/attributes.js';
import { actionAttributes, resultAttributes } from '../src/tracing/attributes.js';
import {
  exportTimeoutMs,
  formatTraceparent,
  parseTraceparent,
  tracesUrl,
  tracingRequested,
  tracingSecrets,
  withSpan,
} from '../src/tracing/index.js';
import { jobSpanId, runSpanId, runTraceId } from '../src/tracing/ids.js';
import { lastStatus, statusOutput } from '../src/tracing/status-output.js';

const RUN = {
  GITHUB_REPOSITORY: 'spikeformer/spikeformer-kit',
  GITHUB_RUN_ID: '9000000001',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'test',
};
const sha = (text: string, bytes: number): string =>
  createHash('sha256')
    .update(text)
    .digest('hex')
    .slice(0, bytes * 2);

describe('trace and span ids of a workflow run', () => {
  it('derives the trace id from repository, run id and attempt: the first 16 bytes of their sha256', () => {
    expect(runTraceId(RUN)).toBe(sha('spikeformer/spikeformer-kit\n9000000001\n1', 16));
    expect(runTraceId(RUN)).toMatch(/^[0-9a-f]{32}$/);
    expect(runTraceId({ ...RUN, GITHUB_JOB: 'other' })).toBe(runTraceId(RUN));
    expect(runTraceId({ ...RUN, GITHUB_RUN_ATTEMPT: '2' })).not.toBe(runTraceId(RUN));
    expect(runTraceId({ ...RUN, GITHUB_RUN_ID: '9000000002' })).not.toBe(runTraceId(RUN));
    expect(runTraceId({ ...RUN, GITHUB_RUN_ATTEMPT: undefined })).toBe(runTraceId(RUN));
  });

  it('gives each job of the run its own span id, and the run one more', () => {
    expect(jobSpanId(RUN)).toBe(sha('spikeformer/spikeformer-kit\n9000000001\n1\njob\ntest', 8));
    expect(jobSpanId({ ...RUN, GITHUB_JOB: 'build' })).not.toBe(jobSpanId(RUN));
    expect(runSpanId(RUN)).toBe(sha('spikeformer/spikeformer-kit\n9000000001\n1\nrun', 8));
    expect(new Set([jobSpanId(RUN), runSpanId(RUN)]).size).toBe(2);
  });

  it('has no ids outside a workflow run', () => {
    expect(runTraceId({})).toBeUndefined();
    expect(runTraceId({ GITHUB_REPOSITORY: 'a/b' })).toBeUndefined();
    expect(jobSpanId({ ...RUN, GITHUB_JOB: undefined })).toBeUndefined();
    expect(runSpanId({ GITHUB_RUN_ID: '1' })).toBeUndefined();
  });
});

describe('W3C traceparent', () => {
  const valid = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  it.each([
    [valid, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', sampled: true }],
    [
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', sampled: false },
    ],
    // A later version may carry more fields after the flags.
    [
      '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03-extra',
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', sampled: true },
    ],
  ])('reads %s', (text, ids) => {
    expect(parseTraceparent(text)).toEqual(ids);
  });

  it.each([
    ['empty', ''],
    ['version ff', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    ['all-zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['all-zero span id', '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01'],
    ['upper case', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'],
    ['short trace id', '00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01'],
    ['version 00 with more fields', `${valid}-x`],
    ['a workflow command', '::error::x'],
    ['a command after a line break', `${valid}\n::warning::x`],
    ['longer than 512 characters', `01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-${'a'.repeat(600)}`],
  ])('refuses %s', (_why, text) => {
    expect(parseTraceparent(text)).toBeUndefined();
  });

  it('writes what it reads', () => {
    expect(formatTraceparent(parseTraceparent(valid) ?? { traceId: '', spanId: '', sampled: false })).toBe(valid);
  });

  it('takes the parent from TRACEPARENT, else the job span of the run, else none', () => {
    expect(parentOf({ ...RUN, TRACEPARENT: valid })).toEqual(parseTraceparent(valid));
    expect(parentOf(RUN)).toEqual({ traceId: runTraceId(RUN), spanId: jobSpanId(RUN), sampled: true });
    expect(parentOf({ ...RUN, TRACEPARENT: '::error::injected' })).toEqual({
      traceId: runTraceId(RUN),
      spanId: jobSpanId(RUN),
      sampled: true,
    });
    expect(parentOf({})).toBeUndefined();
  });
});

describe('the OpenTelemetry variables', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'TRUE' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'false' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'otlp' }, true],
  ])('%j asks for tracing: %s', (env, expected) => {
    expect(tracingRequested(env)).toBe(expected);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318/otlp/' }, 'https://collector:4318/otlp/v1/traces'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:1', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:2/custom' },
      'http://b:2/custom',
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, undefined],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'file:///etc/passwd' }, undefined],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' }, undefined],
  ])('%j sends to %s', (env, url) => {
    expect(tracesUrl(env)).toBe(url);
  });

  it('lists every header value and URL credential as a secret, decoded and without the scheme', () => {
    const secrets = tracingSecrets({
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20tok-12345,x-api-key=key-67890,short=ab',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-honeycomb-team=hc-secret',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user1:pa%24ss@collector.example/otlp?api_key=q-secret-1',
    });
    expect(secrets.sort()).toEqual(
      [
        'Bearer tok-12345',
        'Bearer%20tok-12345',
        'hc-secret',
        'key-67890',
        'pa$ss',
        'pa%24ss',
        'q-secret-1',
        'tok-12345',
        'user1',
      ].sort(),
    );
  });

  it.each([
    [{}, 10_000],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '2500' }, 2500],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '2500', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '700' }, 700],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '999999999' }, 10_000],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: 'NaN' }, 10_000],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '-5' }, 10_000],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: 'Infinity' }, 10_000],
  ])('%j gives an export timeout of %d ms', (env, ms) => {
    expect(exportTimeoutMs(env)).toBe(ms);
  });
});

describe('span attributes', () => {
  it('names the CI/CD and VCS attributes as the semantic conventions package does', () => {
    const copied = Object.entries(attributes).filter(
      ([name]) => name.startsWith('ATTR_CICD_') || name.startsWith('ATTR_VCS_'),
    );
    expect(copied.length).toBe(15);
    for (const [name, value] of copied) expect(value, name).toBe((semconv as Record<string, unknown>)[name]);
  });

  it('describes the step from the runner environment', () => {
    const env = {
      ...RUN,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_ACTION: '__run_2',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REF: 'refs/pull/17/merge',
      GITHUB_REF_NAME: '17/merge',
      GITHUB_HEAD_REF: 'feature/x',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      RUNNER_NAME: 'runner-1',
    };
    expect(actionAttributes(env, 'canary')).toEqual({
      'cicd.pipeline.name': 'CI',
      'cicd.pipeline.run.id': '9000000001',
      'cicd.pipeline.run.url.full': 'https://github.com/spikeformer/spikeformer-kit/actions/runs/9000000001/attempts/1',
      'cicd.pipeline.task.name': 'canary',
      'cicd.pipeline.task.run.id': '9000000001/1/test/__run_2',
      'cicd.worker.name': 'runner-1',
      'vcs.provider.name': 'github',
      'vcs.owner.name': 'spikeformer',
      'vcs.repository.name': 'spikeformer-kit',
      'vcs.repository.url.full': 'https://github.com/spikeformer/spikeformer-kit',
      'vcs.ref.head.name': 'feature/x',
      'vcs.ref.head.revision': '0123456789abcdef0123456789abcdef01234567',
      'vcs.ref.head.type': 'branch',
      'vcs.change.id': '17',
    });
    expect(actionAttributes({}, 'sbom')).toEqual({ 'cicd.pipeline.task.name': 'sbom' });
    expect(actionAttributes({ GITHUB_WORKFLOW: 'w'.repeat(2000) }, 'sbom')['cicd.pipeline.name']).toHaveLength(512);
  });

  it('carries the result and the status output', () => {
    expect(resultAttributes('failure', 'failed')).toEqual({
      'cicd.pipeline.task.run.result': 'failure',
      'spikeformer.action.status': 'failed',
    });
    expect(resultAttributes('success', undefined)).toEqual({ 'cicd.pipeline.task.run.result': 'success' });
  });

  it('reads the last status output of the step', async () => {
    expect(
      lastStatus(
        'status<<ghadelimiter_1\nfailed\nghadelimiter_1\nx<<d\nstatus\nd\nstatus<<ghadelimiter_2\npassed\nghadelimiter_2\n',
      ),
    ).toBe('passed');
    expect(lastStatus('other<<d\npassed\nd\n')).toBeUndefined();
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-tracing-'));
    writeFileSync(path.join(dir, 'out'), 'status<<ghadelimiter_a\nfailed\nghadelimiter_a\n');
    expect(await statusOutput(path.join(dir, 'out'))).toBe('failed');
    expect(await statusOutput(path.join(dir, 'missing'))).toBeUndefined();
    expect(await statusOutput(undefined)).toBeUndefined();
  });
});

describe('withSpan without tracing', () => {
  it('runs the function and passes on its value and its rejection', async () => {
    expect(await withSpan('phase', { step: 1 }, () => Promise.resolve(42))).toBe(42);
    await expect(withSpan('phase', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

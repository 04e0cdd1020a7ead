// What the runner loads, with a dynamic import, when an OTLP endpoint is set: masks the
// exporter's secrets, works out the trace and the parent span, then loads the SDK.
import { errorMessage } from '../errors.js';
import { redact, redactUrl } from '../http.js';
import { info, maskSecret, warning } from '../log.js';
import { exportVariable } from '../outputs.js';
import { clip, MESSAGE_MAX } from '../quote.js';
import { actionAttributes, resultAttributes, type TaskResult } from './attributes.js';
import { exportTimeoutMs, tracesUrl, tracingRequested, tracingSecrets } from './env.js';
import { jobSpanId, runTraceId } from './ids.js';
import type * as Sdk from './sdk.js';
import { statusOutput } from './status-output.js';
import { formatTraceparent, parseTraceparent, type SpanContextIds } from './traceparent.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface ActionTrace {
  run(fn: () => Promise<void>): Promise<void>;
  /** errorLine: the action's one error line when it failed; resolves once spans are sent or given up. */
  end(outcome: { errorLine?: string; result: TaskResult }): Promise<void>;
}

/**
 * The parent of the action's span: a valid TRACEPARENT (a workflow or an earlier step set it),
 * else the job's span in the run attempt's trace, else none (outside a workflow run).
 */
export function parentOf(env: Env): SpanContextIds | undefined {
  const inherited = parseTraceparent(env.TRACEPARENT);
  if (inherited) return inherited;
  const traceId = runTraceId(env);
  const spanId = jobSpanId(env);
  return traceId && spanId ? { traceId, spanId, sampled: true } : undefined;
}

export async function startActionTrace(actionName: string, env: Env = process.env): Promise<ActionTrace | undefined> {
  if (!tracingRequested(env)) return undefined;
  // Before anything else runs: no later line can show these values.
  const secrets = tracingSecrets(env);
  for (const secret of secrets) maskSecret(secret);
  const url = tracesUrl(env);
  if (url === undefined) {
    warning(
      'tracing: OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is not an http(s) URL; no spans are sent',
    );
    return undefined;
  }
  const shownUrl = redact(redactUrl(url), secrets);
  let warned = false;
  const onExportFailure = (error: Error | undefined): void => {
    if (warned) return;
    warned = true;
    const why = error ? `: ${clip(redact(errorMessage(error), secrets), 300)}` : '';
    warning(`tracing: spans could not be sent to ${shownUrl}${why} (the action's result is unaffected)`);
  };
  const parent = parentOf(env);
  // Later steps of the job join the same parent (their own spans become siblings of this one).
  if (parent) exportVariable('TRACEPARENT', formatTraceparent(parent));
  let sdk: typeof Sdk;
  try {
    sdk = await import('./sdk.js');
  } catch (error) {
    warning(
      `tracing: the OpenTelemetry SDK did not load (${clip(redact(errorMessage(error), secrets), 300)}); no spans are sent`,
    );
    return undefined;
  }
  const span = sdk.startActionSpan(actionName, actionAttributes(env, actionName), {
    url,
    timeoutMs: exportTimeoutMs(env),
    parent,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || undefined,
    onExportFailure,
    cleanMessage: (text) => clip(redact(text.split(/\r?\n/)[0] ?? '', secrets), MESSAGE_MAX),
  });
  info(`tracing: trace ${span.ids.traceId}, span ${span.ids.spanId}, sent to ${shownUrl}`);
  return {
    run: (fn) => span.run(fn),
    async end(outcome) {
      const status = await statusOutput(env.GITHUB_OUTPUT);
      await span.end(resultAttributes(outcome.result, status), outcome.errorLine);
    },
  };
}

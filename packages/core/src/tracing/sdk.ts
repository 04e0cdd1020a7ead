// The OpenTelemetry SDK side of tracing: loaded by action-trace.ts with a dynamic import, only
// when an OTLP endpoint is set, so an action without tracing never reads these modules.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, resourceAttributesEnvDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { SpanContextIds } from './traceparent.js';
import { setSpanRunner, type SpanAttributes, type SpanRunner } from './span-slot.js';
import { errorMessage } from '../errors.js';

const DEFAULT_SERVICE_NAME = 'spikeformer-actions';

type ExportCallback = Parameters<SpanExporter['export']>[1];
type ExportResult = Parameters<ExportCallback>[0];

export interface SdkOptions {
  url: string;
  timeoutMs: number;
  /** The remote parent of the action's span (the job span or TRACEPARENT); none: a new trace. */
  parent: SpanContextIds | undefined;
  /** OTEL_SERVICE_NAME, which wins over a service.name in OTEL_RESOURCE_ATTRIBUTES. */
  serviceName: string | undefined;
  /** Called on every failed export; never throws. */
  onExportFailure: (error: Error | undefined) => void;
  /** Makes a span's status message safe to send (secrets out, one bounded line). */
  cleanMessage: (text: string) => string;
}

export interface ActionSpan {
  /** The action's span context, as TRACEPARENT carries it. */
  ids: SpanContextIds;
  run(fn: () => Promise<void>): Promise<void>;
  /** Ends the span and sends every span; resolves within the export timeout, whatever happens. */
  end(attributes: SpanAttributes, errorLine: string | undefined): Promise<void>;
}

/** Passes every export on and reports each failure, so export problems surface as a warning. */
class ReportingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly onFailure: (error: Error | undefined) => void,
  ) {}

  export(spans: ReadableSpan[], done: ExportCallback): void {
    this.inner.export(spans, (result: ExportResult) => {
      if (result.code !== ExportResultCode.SUCCESS) this.onFailure(result.error);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0] ?? '';
}

export function startActionSpan(actionName: string, attributes: SpanAttributes, options: SdkOptions): ActionSpan {
  const exporter = new ReportingExporter(
    new OTLPTraceExporter({ url: options.url, timeoutMillis: options.timeoutMs }),
    options.onExportFailure,
  );
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: DEFAULT_SERVICE_NAME })
    .merge(detectResources({ detectors: [resourceAttributesEnvDetector] }))
    .merge(options.serviceName ? resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }) : null);
  const provider = new TracerProvider({
    resource,
    spanLimits: { attributeValueLengthLimit: 1024, attributeCountLimit: 128 },
    spanProcessors: [new BatchSpanProcessor({ exporter, exportTimeoutMillis: options.timeoutMs })],
  });
  const tracer = provider.getTracer('@spikeformer-actions/core');
  const parentContext = options.parent
    ? trace.setSpanContext(ROOT_CONTEXT, {
        traceId: options.parent.traceId,
        spanId: options.parent.spanId,
        traceFlags: options.parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
        isRemote: true,
      })
    : ROOT_CONTEXT;
  const actionSpan = tracer.startSpan(actionName, { kind: SpanKind.INTERNAL, attributes }, parentContext);
  // The span of the code running now: withSpan nests under it across awaits.
  const current = new AsyncLocalStorage<Span>();

  const runner: SpanRunner = {
    run<T>(name: string, spanAttributes: SpanAttributes, fn: () => Promise<T>): Promise<T> {
      const parent = current.getStore() ?? actionSpan;
      const span = tracer.startSpan(name, { attributes: spanAttributes }, trace.setSpan(ROOT_CONTEXT, parent));
      return current.run(span, async () => {
        try {
          return await fn();
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: options.cleanMessage(firstLine(error)) });
          throw error;
        } finally {
          span.end();
        }
      });
    },
  };

  const context = actionSpan.spanContext();
  return {
    ids: {
      traceId: context.traceId,
      spanId: context.spanId,
      sampled: Boolean(context.traceFlags & TraceFlags.SAMPLED),
    },
    run(fn) {
      setSpanRunner(runner);
      return current.run(actionSpan, fn);
    },
    async end(endAttributes, errorLine) {
      setSpanRunner(undefined);
      actionSpan.setAttributes(endAttributes);
      if (errorLine !== undefined)
        actionSpan.setStatus({ code: SpanStatusCode.ERROR, message: options.cleanMessage(errorLine) });
      actionSpan.end();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.timeoutMs + 1000);
      });
      try {
        await Promise.race([
          provider
            .shutdown()
            .catch((error: unknown) => options.onExportFailure(error instanceof Error ? error : undefined)),
          deadline,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

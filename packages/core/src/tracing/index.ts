// @spikeformer-actions/core/tracing: what an action uses to add spans of its own. Light on
// purpose: the SDK is loaded by the runner only when tracing is on.
export { setSpanRunner, withSpan, type SpanAttributes, type SpanRunner } from './span-slot.js';
export { exportTimeoutMs, tracesUrl, tracingRequested, tracingSecrets } from './env.js';
export { formatTraceparent, parseTraceparent, type SpanContextIds } from './traceparent.js';

/** Values a span attribute may hold (OpenTelemetry's AttributeValue, less the mixed arrays). */
export type SpanAttributes = Record<
  string,
  string | number | boolean | readonly string[] | readonly number[] | readonly boolean[] | undefined
>;

/** What the loaded SDK provides: runs fn inside a child span of the current one. */
export interface SpanRunner {
  run<T>(name: string, attributes: SpanAttributes, fn: () => Promise<T>): Promise<T>;
}

// On globalThis, so a second copy of this module (another bundle chunk) finds the same runner.
const SLOT = Symbol.for('spikeformer-actions.tracing.span-runner');
type WithSlot = typeof globalThis & { [SLOT]?: SpanRunner };

export function setSpanRunner(runner: SpanRunner | undefined): void {
  (globalThis as WithSlot)[SLOT] = runner;
}

/**
 * Runs fn in a span named `name`, a child of the action's span (or of the enclosing withSpan),
 * when tracing is on; otherwise just runs fn, at the cost of one property read. A rejection
 * marks the span ERROR with the error's first line and is passed on unchanged.
 */
export function withSpan<T>(name: string, attributes: SpanAttributes, fn: () => Promise<T>): Promise<T> {
  const runner = (globalThis as WithSlot)[SLOT];
  return runner ? runner.run(name, attributes, fn) : fn();
}

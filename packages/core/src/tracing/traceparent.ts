/** A W3C trace context: 32 hex digits of trace id, 16 of span id, sampled or not. */
export interface SpanContextIds {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

// version-traceid-parentid-flags; a future version may append fields after the flags.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const MAX_TRACEPARENT_LENGTH = 512;

/**
 * The W3C `traceparent` header value, or undefined when it is not one (trace-context §3.2:
 * version ff, all-zero ids and, for version 00, anything after the flags are invalid).
 */
export function parseTraceparent(value: string | undefined): SpanContextIds | undefined {
  if (!value || value.length > MAX_TRACEPARENT_LENGTH) return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(ids: SpanContextIds): string {
  return `00-${ids.traceId}-${ids.spanId}-${ids.sampled ? '01' : '00'}`;
}

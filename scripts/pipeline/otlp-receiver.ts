// A local OTLP/HTTP trace receiver, as a collector would be: POST /v1/traces with an
// ExportTraceServiceRequest in protobuf, decoded with OpenTelemetry's own definitions
// (otlp-proto/, from open-telemetry/opentelemetry-proto v1.11.0) by protobufjs.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import protobuf from 'protobufjs';

const PROTO_ROOT = path.join(import.meta.dirname, 'otlp-proto');
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** Milliseconds since the epoch (from the nanoseconds sent). */
  startMs: number;
  endMs: number;
  /** STATUS_CODE_UNSET | STATUS_CODE_OK | STATUS_CODE_ERROR */
  status: { code: string; message: string };
  attributes: Record<string, AttributeValue>;
  resource: Record<string, AttributeValue>;
  scope: string;
}

export interface ReceivedRequest {
  path: string;
  contentType: string;
  headers: IncomingHttpHeaders;
  spans: ReceivedSpan[];
}

export interface OtlpReceiver {
  /** http://127.0.0.1:<port> — the value of OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  requests: ReceivedRequest[];
  spans(): ReceivedSpan[];
  /** Answer every later export with this HTTP status (e.g. 500), or 200 again with undefined. */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

let requestType: protobuf.Type | undefined;
function exportRequestType(): protobuf.Type {
  if (!requestType) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => path.join(PROTO_ROOT, target);
    root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: true });
    requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  }
  return requestType;
}

interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface AnyValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: string;
  double_value?: number;
  array_value?: { values?: AnyValue[] };
}

function valueOf(v: AnyValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.string_value !== undefined) return v.string_value;
  if (v.bool_value !== undefined) return v.bool_value;
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return v.double_value;
  if (v.array_value !== undefined) return (v.array_value.values ?? []).map(valueOf);
  return null;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

interface DecodedSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  attributes?: KeyValue[];
  status?: { code?: string; message?: string };
}
interface DecodedRequest {
  resource_spans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scope_spans?: Array<{ scope?: { name?: string }; spans?: DecodedSpan[] }>;
  }>;
}

/** The spans of one protobuf ExportTraceServiceRequest. */
export function decodeTraceRequest(body: Uint8Array): ReceivedSpan[] {
  const type = exportRequestType();
  const decoded = type.toObject(type.decode(body), {
    longs: String,
    enums: String,
    bytes: String,
    defaults: false,
  }) as DecodedRequest;
  const hex = (base64: string | undefined): string => Buffer.from(base64 ?? '', 'base64').toString('hex');
  const spans: ReceivedSpan[] = [];
  for (const rs of decoded.resource_spans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    for (const ss of rs.scope_spans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          traceId: hex(s.trace_id),
          spanId: hex(s.span_id),
          parentSpanId: hex(s.parent_span_id),
          name: s.name,
          startMs: Number(BigInt(s.start_time_unix_nano) / 1000n) / 1000,
          endMs: Number(BigInt(s.end_time_unix_nano) / 1000n) / 1000,
          status: { code: s.status?.code ?? 'STATUS_CODE_UNSET', message: s.status?.message ?? '' },
          attributes: attributesOf(s.attributes),
          resource,
          scope: ss.scope?.name ?? '',
        });
      }
    }
  }
  return spans;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  let failure: number | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const contentType = req.headers['content-type'] ?? '';
      if (req.method !== 'POST' || size > MAX_BODY_BYTES || contentType !== 'application/x-protobuf') {
        res.writeHead(size > MAX_BODY_BYTES ? 413 : 415).end();
        return;
      }
      let spans: ReceivedSpan[];
      try {
        spans = decodeTraceRequest(Buffer.concat(chunks));
      } catch {
        res.writeHead(400).end();
        return;
      }
      requests.push({ path: req.url ?? '', contentType, headers: req.headers, spans });
      if (failure !== undefined) {
        res.writeHead(failure, { 'content-type': 'text/plain' }).end('the receiver refuses this export');
        return;
      }
      // An empty ExportTraceServiceResponse: everything accepted.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.flatMap((r) => r.spans),
    failWith: (status) => {
      failure = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import type { JsonObject } from './json.js';

/**
 * Just enough of the Kubernetes protobuf encoding to read what kubectl's typed generators send
 * for the kinds whose schema is small: ConfigMap (`create configmap`) and Namespace (`create
 * namespace`). Every other kind is refused with 415. Field numbers are those of
 * k8s.io/api's generated.proto.
 */

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

interface Field {
  no: number;
  wire: number;
  value: bigint | Buffer;
}

function varint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = varint(buf, pos);
    pos = next;
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, after] = varint(buf, pos);
      out.push({ no, wire, value: v });
      pos = after;
    } else if (wire === 2) {
      const [len, after] = varint(buf, pos);
      const end = after + Number(len);
      if (end > buf.length) throw new Error('truncated field');
      out.push({ no, wire, value: buf.subarray(after, end) });
      pos = end;
    } else if (wire === 1) {
      out.push({ no, wire, value: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ no, wire, value: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field): string => (Buffer.isBuffer(f.value) ? f.value.toString('utf8') : String(f.value));
const bytes = (f: Field): Buffer => (Buffer.isBuffer(f.value) ? f.value : Buffer.alloc(0));

function stringMap(entries: Field[], asBase64 = false): JsonObject {
  const out: JsonObject = {};
  for (const e of entries) {
    const kv = fields(bytes(e));
    const k = kv.find((x) => x.no === 1);
    const v = kv.find((x) => x.no === 2);
    out[k ? str(k) : ''] = v ? (asBase64 ? bytes(v).toString('base64') : str(v)) : '';
  }
  return out;
}

function objectMeta(buf: Buffer): JsonObject {
  const meta: JsonObject = {};
  const all = fields(buf);
  const one = (no: number): Field | undefined => all.find((f) => f.no === no);
  for (const [no, name] of [
    [1, 'name'],
    [2, 'generateName'],
    [3, 'namespace'],
    [6, 'resourceVersion'],
  ] as const) {
    const f = one(no);
    if (f && str(f) !== '') meta[name] = str(f);
  }
  const labels = all.filter((f) => f.no === 11);
  const annotations = all.filter((f) => f.no === 12);
  if (labels.length) meta['labels'] = stringMap(labels);
  if (annotations.length) meta['annotations'] = stringMap(annotations);
  return meta;
}

/** Decodes a protobuf request body; undefined when it is malformed or not one of the kinds read here. */
export function decodeProtobuf(body: Buffer): JsonObject | undefined {
  try {
    return decode(body);
  } catch {
    return undefined;
  }
}

function decode(body: Buffer): JsonObject | undefined {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) return undefined;
  const unknown = fields(body.subarray(4));
  const typeMeta = unknown.find((f) => f.no === 1);
  const raw = unknown.find((f) => f.no === 2);
  if (!typeMeta || !raw) return undefined;
  const tm = fields(bytes(typeMeta));
  const apiVersion = str(tm.find((f) => f.no === 1) ?? { no: 0, wire: 2, value: Buffer.alloc(0) });
  const kind = str(tm.find((f) => f.no === 2) ?? { no: 0, wire: 2, value: Buffer.alloc(0) });
  const body2 = fields(bytes(raw));
  const metaField = body2.find((f) => f.no === 1);
  const metadata = metaField ? objectMeta(bytes(metaField)) : {};
  if (apiVersion === 'v1' && kind === 'ConfigMap') {
    const out: JsonObject = { apiVersion, kind, metadata };
    const data = body2.filter((f) => f.no === 2);
    const binary = body2.filter((f) => f.no === 3);
    const immutable = body2.find((f) => f.no === 4);
    if (data.length) out['data'] = stringMap(data);
    if (binary.length) out['binaryData'] = stringMap(binary, true);
    if (immutable) out['immutable'] = (immutable.value as bigint) !== 0n;
    return out;
  }
  if (apiVersion === 'v1' && kind === 'Namespace') return { apiVersion, kind, metadata };
  return undefined;
}

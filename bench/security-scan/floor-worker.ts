// The floor's per-finding work (see floor.ts), shared by its one-thread and multi-thread variants so both
// do exactly the same work, and the entry of a worker thread that runs it over one part of the reports.
// A worker sends back only what a cross-report merge needs: its fingerprints (one string of fixed-width
// hex) and its output lines (one Buffer whose ArrayBuffer is transferred, not cloned).
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

export type J = Record<string, unknown>;
const list = (v: unknown): J[] => (Array.isArray(v) ? (v as J[]) : []);
export interface Minimal {
  tool: string;
  rule: string;
  where: string;
  line: number;
  message: string;
  fingerprint: string;
}

/** Hex characters of a fingerprint: the first 128 bits of the SHA-256. */
export const FINGERPRINT_CHARS = 32;

export function readParse(files: readonly string[]): J[] {
  return files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as J);
}

/** One 6-field object per finding of every report format in the generated workspace; empties `docs`. */
export function minimalObjects(docs: J[]): Minimal[] {
  const out: Minimal[] = [];
  const add = (tool: string, rule: unknown, where: unknown, line: unknown, message: unknown): void => {
    out.push({
      tool,
      rule: String(rule),
      where: String(where),
      line: typeof line === 'number' ? line : 0,
      message: String(message),
      fingerprint: '',
    });
  };
  for (const doc of docs) {
    for (const r of list(doc.results)) {
      if ('test_id' in r) add('bandit', r.test_id, r.filename, r.line_number, r.issue_text);
    }
    for (const run of list(doc.runs)) {
      for (const r of list(run.results)) {
        const loc = ((list(r.locations)[0] ?? {}).physicalLocation ?? {}) as {
          artifactLocation?: { uri?: string };
          region?: { startLine?: number };
        };
        add('semgrep', r.ruleId, loc.artifactLocation?.uri, loc.region?.startLine, (r.message as J | undefined)?.text);
      }
    }
    for (const d of list(doc.dependencies))
      for (const v of list(d.vulns)) add('pip-audit', v.id, `${String(d.name)}@${String(d.version)}`, 0, v.description);
    for (const m of list(doc.matches)) {
      const a = (m.artifact ?? {}) as J;
      const v = (m.vulnerability ?? {}) as J;
      add('grype', v.id, `${String(a.name)}@${String(a.version)}`, 0, v.description);
    }
    for (const r of list(doc.Results)) {
      for (const v of list(r.Vulnerabilities))
        add('trivy', v.VulnerabilityID, `${String(v.PkgName)}@${String(v.InstalledVersion)}`, 0, v.Title);
      for (const m of list(r.Misconfigurations))
        add('trivy', m.ID, r.Target, (m.CauseMetadata as J | undefined)?.StartLine, m.Title);
      for (const s of list(r.Secrets)) add('trivy', s.RuleID, r.Target, s.StartLine, s.Title);
    }
  }
  docs.length = 0;
  return out;
}

/** One SHA-256 per finding and a Map insert: the first finding of each fingerprint is kept. */
export function fingerprintDedup(found: Minimal[]): Map<string, Minimal> {
  const seen = new Map<string, Minimal>();
  for (const f of found) {
    f.fingerprint = hash('sha256', `${f.tool}|${f.rule}|${f.where}|${f.line}`, 'hex').slice(0, FINGERPRINT_CHARS);
    if (!seen.has(f.fingerprint)) seen.set(f.fingerprint, f);
  }
  return seen;
}

/** One compact JSON line per finding. */
export function jsonLines(unique: readonly Minimal[]): string[] {
  const lines = new Array<string>(unique.length);
  for (let i = 0; i < unique.length; i++) lines[i] = JSON.stringify(unique[i]);
  return lines;
}

export interface Step {
  name: string;
  wallMs: number;
  cpuMs: number;
}

/**
 * CPU time of the calling OS thread alone (process.cpuUsage counts every thread). Linux only, in clock
 * ticks of 10 ms (CLK_TCK = 100); V8's GC helper threads are not counted here. NaN elsewhere.
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function timed<T>(steps: Step[], name: string, fn: () => T): T {
  const cpu = threadCpuMs();
  const t = performance.now();
  const out = fn();
  steps.push({ name, wallMs: performance.now() - t, cpuMs: threadCpuMs() - cpu });
  return out;
}

export interface Part {
  found: number;
  /** The part's dedup Map: the merge probes it, and its values are the part's unique findings in order. */
  seen: Map<string, Minimal>;
  /** Every kept line followed by ",\n", UTF-8 encoded, so parts concatenate without re-encoding. */
  body: Buffer;
  steps: Step[];
}

/** The whole per-finding work of the floor over one part of the reports, on the calling thread. */
export function runPart(files: readonly string[]): Part {
  const steps: Step[] = [];
  const docs = timed(steps, 'read + JSON.parse', () => readParse(files));
  const found = timed(steps, 'minimal objects', () => minimalObjects(docs));
  const seen = timed(steps, 'SHA-256 + dedup Map', () => fingerprintDedup(found));
  const body = timed(steps, 'JSON lines + UTF-8 Buffer', () => {
    const lines = jsonLines([...seen.values()]);
    return Buffer.from(lines.length === 0 ? '' : `${lines.join(',\n')},\n`, 'utf8');
  });
  return { found: found.length, seen, body, steps };
}

/** What a worker posts: fingerprints of its unique findings in output order, and its lines' bytes. */
export interface PartMessage {
  found: number;
  unique: number;
  /** `unique` fingerprints of FINGERPRINT_CHARS hex characters each, concatenated. */
  fingerprints: string;
  body: ArrayBuffer;
  bodyOffset: number;
  bodyLength: number;
  steps: Step[];
  /** Absolute times (performance.timeOrigin + now(), ms) so the main thread can place them on its clock. */
  startedAt: number;
  doneAt: number;
}

export function isPartMessage(v: unknown): v is PartMessage {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Partial<PartMessage>;
  return (
    typeof m.found === 'number' &&
    typeof m.unique === 'number' &&
    typeof m.fingerprints === 'string' &&
    m.body instanceof ArrayBuffer &&
    typeof m.bodyOffset === 'number' &&
    typeof m.bodyLength === 'number' &&
    Array.isArray(m.steps) &&
    typeof m.startedAt === 'number' &&
    typeof m.doneAt === 'number'
  );
}

if (!isMainThread && parentPort) {
  const startedAt = performance.timeOrigin + performance.now();
  const data: unknown = workerData;
  if (!Array.isArray(data) || !data.every((f): f is string => typeof f === 'string'))
    throw new Error('floor-worker: workerData must be a list of report paths');
  const part = runPart(data);
  const fingerprints = timed(part.steps, 'fingerprints for the merge', () => [...part.seen.keys()].join(''));
  // A small Buffer lives in Node's shared pool, which cannot be transferred: copy it out (a large one
  // has its own ArrayBuffer and is transferred as is).
  const own =
    part.body.buffer instanceof ArrayBuffer &&
    part.body.byteOffset === 0 &&
    part.body.byteLength === part.body.buffer.byteLength;
  const bytes = own ? part.body : Buffer.from(Uint8Array.prototype.slice.call(part.body).buffer);
  const body = bytes.buffer;
  if (!(body instanceof ArrayBuffer)) throw new Error('floor-worker: output Buffer is not backed by an ArrayBuffer');
  const message: PartMessage = {
    found: part.found,
    unique: part.seen.size,
    fingerprints,
    body,
    bodyOffset: bytes.byteOffset,
    bodyLength: bytes.byteLength,
    steps: part.steps,
    startedAt,
    doneAt: performance.timeOrigin + performance.now(),
  };
  parentPort.postMessage(message, [body]);
}

// The floor under any implementation of security-scan on a generated workspace: the least work
// every finding needs, written as directly as JavaScript allows, beside a bare read + JSON.parse.
// Usage: node bench/security-scan/floor.ts <workspace with reports/> [--workers N] (run.ts --keep leaves one).
// Per finding, in the same process and order as the action: a normalised object (6 fields), one
// SHA-256 fingerprint, one Map insert for dedup, then one compact JSON line; the outputs are
// written. No severity mapping, no aliases, no SARIF, no sorting: a lower bound, not a design.
// --workers N (2 on a 2-core machine): the reports are split into N parts of about equal bytes (whole
// files); the main thread runs one part, N-1 worker threads (floor-worker.ts) the others, each doing the
// same per-finding work with its own dedup Map. Workers send back only their fingerprints and their
// output bytes (transferred); the main thread dedups across parts on the fingerprints and writes one file.
import { closeSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import {
  FINGERPRINT_CHARS,
  fingerprintDedup,
  isPartMessage,
  jsonLines,
  minimalObjects,
  readParse,
  runPart,
  type PartMessage,
  type Step,
} from './floor-worker.ts';

const usage = 'usage: node bench/security-scan/floor.ts <workspace with reports/> [--workers N]';
let ws: string | undefined;
let threads = 1;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--workers') threads = Number(argv[++i]);
  else if (ws === undefined && a !== undefined && !a.startsWith('--')) ws = a;
  else {
    console.error(usage);
    process.exit(2);
  }
}
if (!ws || !Number.isInteger(threads) || threads < 1 || threads > 8) {
  console.error(`${usage}  (N: 1 to 8 threads in all)`);
  process.exit(2);
}

const sec = (ms: number): string => (ms / 1000).toFixed(2);
const cpuMsSince = (since: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};
/** Peak resident set of the whole process so far (every thread), in MB. */
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
/** CPU time over wall time: cores in use on average (shows when another job held the second core). */
const busy = (t: { wallMs: number; cpuMs: number }): string => (t.cpuMs / t.wallMs).toFixed(2);
const row = (name: string, text: string): void => console.log(`  ${name.padEnd(40)} ${text}`);

interface Timing {
  wallMs: number;
  cpuMs: number;
}
function step<T>(name: string, fn: () => T, into?: Timing): T {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = fn();
  const wallMs = performance.now() - t;
  const cpuMs = cpuMsSince(cpu);
  row(name, `${sec(wallMs)} s wall, ${sec(cpuMs)} s CPU`);
  if (into) Object.assign(into, { wallMs, cpuMs });
  return out;
}

function ratios(floor: Timing & { rssMb: number }, bare: Timing & { rssMb: number }): void {
  row(
    'floor / read + JSON.parse',
    `${(floor.wallMs / bare.wallMs).toFixed(2)}x wall, ${(floor.cpuMs / bare.cpuMs).toFixed(2)}x CPU, ${(floor.rssMb / bare.rssMb).toFixed(2)}x peak RSS   (goal for the action: at most 2x)`,
  );
}

const dir = path.join(ws, 'reports');
const files = readdirSync(dir)
  .sort()
  .map((f) => path.join(dir, f));

/** The one-thread floor, step by step (process CPU per step). */
function oneThread(out: string): void {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const bare: Timing = { wallMs: 0, cpuMs: 0 };
  const docs = step('read + JSON.parse', () => readParse(files), bare);
  const bareRssMb = peakRssMb();
  const found = step('minimal objects (6 fields each)', () => minimalObjects(docs));
  const unique = step('one SHA-256 each + dedup Map', () => [...fingerprintDedup(found).values()]);
  const text = step(
    'JSON output, one compact line each',
    () => `{"findings":[\n${jsonLines(unique).join(',\n')}\n]}\n`,
  );
  step('write it', () => writeFileSync(out, text));
  const floor = { wallMs: performance.now() - t0, cpuMs: cpuMsSince(c0), rssMb: peakRssMb() };
  row(
    'floor total',
    `${sec(floor.wallMs)} s wall, ${sec(floor.cpuMs)} s CPU (${busy(floor)} cores busy), peak RSS ${floor.rssMb.toFixed(0)} MB (${found.length} findings, ${unique.length} unique, ${(text.length / 1e6).toFixed(1)} MB JSON)`,
  );
  row(
    'read + JSON.parse (its first step)',
    `${sec(bare.wallMs)} s wall, ${sec(bare.cpuMs)} s CPU, peak RSS ${bareRssMb.toFixed(0)} MB`,
  );
  ratios(floor, { ...bare, rssMb: bareRssMb });
}

interface Bin {
  files: string[];
  bytes: number;
}
/** Whole files into n parts of about equal bytes (largest first into the lightest part); largest part first. */
function partition(n: number): Bin[] {
  const bins: Bin[] = Array.from({ length: n }, () => ({ files: [], bytes: 0 }));
  const sized = files.map((f) => ({ f, bytes: statSync(f).size })).sort((a, b) => b.bytes - a.bytes);
  for (const { f, bytes } of sized) {
    const lightest = bins.reduce((min, b) => (b.bytes < min.bytes ? b : min));
    lightest.files.push(f);
    lightest.bytes += bytes;
  }
  for (const b of bins) b.files.sort();
  return bins.filter((b) => b.files.length > 0).sort((a, b) => b.bytes - a.bytes);
}

function startWorker(part: readonly string[]): Promise<PartMessage> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./floor-worker.ts', import.meta.url), { workerData: part });
    w.once('message', (m: unknown) =>
      isPartMessage(m) ? resolve(m) : reject(new Error('floor-worker sent an unexpected message')),
    );
    w.once('error', reject);
    // After the message this is a no-op; before it, the worker died without a result.
    w.once('exit', (code) => reject(new Error(`floor-worker exited (code ${code}) without sending its part`)));
  });
}

/** The slices of `body` (lines each ending in ",\n") without the lines at the ascending indices `drops`. */
function withoutLines(body: Buffer, drops: readonly number[]): Buffer[] {
  if (drops.length === 0) return [body];
  const out: Buffer[] = [];
  let line = 0;
  let start = 0;
  let keepFrom = 0;
  for (const d of drops) {
    // JSON.stringify escapes newlines inside strings, so every 0x0a ends a line.
    for (; line < d; line++) start = body.indexOf(0x0a, start) + 1;
    const end = body.indexOf(0x0a, start) + 1;
    if (start > keepFrom) out.push(body.subarray(keepFrom, start));
    keepFrom = end;
    start = end;
    line++;
  }
  if (keepFrom < body.length) out.push(body.subarray(keepFrom));
  return out;
}

function writeAll(fd: number, b: Buffer): void {
  for (let off = 0; off < b.length;) off += writeSync(fd, b, off, b.length - off);
}

/** A bare read + JSON.parse of every report on the main thread, then the memory is given back. */
function bareParse(): Timing & { rssMb: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let docs = readParse(files);
  const wallMs = performance.now() - t0;
  const cpuMs = cpuMsSince(c0);
  const rssMb = peakRssMb();
  if (docs.length !== files.length) throw new Error('parse lost a report');
  // Dropping the reference lets the GC below reclaim the documents.
  // eslint-disable-next-line no-useless-assignment
  docs = [];
  // A full GC so the floor after it does not start on top of the parsed documents' garbage.
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') (gc as () => void)();
  return { wallMs, cpuMs, rssMb };
}

async function manyThreads(n: number, out: string): Promise<void> {
  const bare = bareParse();
  const parts = partition(n);
  const names = (b: Bin): string =>
    `${(b.bytes / 1e6).toFixed(1)} MB (${b.files.map((f) => path.basename(f)).join(', ')})`;
  console.log(
    `  ${parts.length} threads; parts by bytes: main thread ${parts.map((b, i) => (i === 0 ? names(b) : `worker ${i} ${names(b)}`)).join('; ')}`,
  );
  console.log(
    `  (RSS before the floor, after the bare parse below and a full GC: ${(process.memoryUsage.rss() / 1048576).toFixed(0)} MB; per-thread CPU is that thread's alone)`,
  );

  const t0 = performance.now();
  const origin = performance.timeOrigin + t0;
  const c0 = process.cpuUsage();
  const [own, ...others] = parts;
  if (!own) throw new Error(`no reports in ${dir}`);
  const pending = others.map((b) => startWorker(b.files));
  const mine = runPart(own.files);
  const mineDoneMs = performance.now() - t0;
  const theirs = await Promise.all(pending);
  const waitedMs = performance.now() - t0 - mineDoneMs;

  const show = (who: string, steps: readonly Step[]): void => {
    for (const s of steps) row(`${who.padEnd(12)} ${s.name}`, `${sec(s.wallMs)} s wall, ${sec(s.cpuMs)} s thread CPU`);
  };
  show('main thread', mine.steps);
  row(
    'main thread  done',
    `at +${sec(mineDoneMs)} s (${mine.found} findings), then waits ${sec(waitedMs)} s for the workers`,
  );
  theirs.forEach((m, i) => {
    row(`worker ${i + 1}     started`, `at +${sec(m.startedAt - origin)} s`);
    show(`worker ${i + 1}`, m.steps);
    row(`worker ${i + 1}     done (part posted)`, `at +${sec(m.doneAt - origin)} s (${m.found} findings)`);
  });

  let crossDuplicates = 0;
  const chunks = step('merge: dedup across parts on fingerprints', () => {
    const kept: Buffer[] = [mine.body];
    // Fingerprints of worker parts matter only when a later part could repeat them.
    const later = new Set<string>();
    theirs.forEach((m, k) => {
      if (m.fingerprints.length !== m.unique * FINGERPRINT_CHARS)
        throw new Error(`worker ${k + 1}: ${m.fingerprints.length} fingerprint characters for ${m.unique} findings`);
      const last = k === theirs.length - 1;
      const drops: number[] = [];
      for (let i = 0; i < m.unique; i++) {
        const fp = m.fingerprints.slice(i * FINGERPRINT_CHARS, (i + 1) * FINGERPRINT_CHARS);
        if (mine.seen.has(fp) || later.has(fp)) drops.push(i);
        else if (!last) later.add(fp);
      }
      crossDuplicates += drops.length;
      kept.push(...withoutLines(Buffer.from(m.body, m.bodyOffset, m.bodyLength), drops));
    });
    return kept.filter((b) => b.length > 0);
  });
  const bytes = chunks.reduce((sum, b) => sum + b.length, 0);
  step('write it (one file)', () => {
    const fd = openSync(out, 'w');
    try {
      writeAll(fd, Buffer.from('{"findings":[\n'));
      // Every part's lines end in ",\n"; the very last separator is dropped.
      chunks.forEach((b, i) => writeAll(fd, i === chunks.length - 1 ? b.subarray(0, b.length - 2) : b));
      writeAll(fd, Buffer.from('\n]}\n'));
    } finally {
      closeSync(fd);
    }
  });
  const floor = { wallMs: performance.now() - t0, cpuMs: cpuMsSince(c0), rssMb: peakRssMb() };
  const found = mine.found + theirs.reduce((sum, m) => sum + m.found, 0);
  const unique = mine.seen.size + theirs.reduce((sum, m) => sum + m.unique, 0) - crossDuplicates;
  row(
    `floor total, ${parts.length} threads`,
    `${sec(floor.wallMs)} s wall, ${sec(floor.cpuMs)} s CPU (all threads; ${busy(floor)} cores busy), peak RSS ${floor.rssMb.toFixed(0)} MB (${found} findings, ${unique} unique, ${crossDuplicates} across parts, ${(bytes / 1e6).toFixed(1)} MB JSON)`,
  );
  row(
    'read + JSON.parse (one thread, before)',
    `${sec(bare.wallMs)} s wall, ${sec(bare.cpuMs)} s CPU, peak RSS ${bare.rssMb.toFixed(0)} MB`,
  );
  ratios(floor, bare);
}

const out = path.join(ws, threads === 1 ? 'floor-output.json' : `floor-output-${threads}-threads.json`);
if (threads === 1) oneThread(out);
else await manyThreads(threads, out);

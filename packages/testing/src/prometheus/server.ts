import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { backfillOpenMetrics } from './backfill.js';
import { requirePrometheus } from './binaries.js';

export interface ScrapeTarget {
  /** host:port of an exporter on 127.0.0.1. */
  address: string;
  /** Target labels, e.g. { namespace: 'shop', service: 'api-canary' } as Kubernetes relabelling gives them. */
  labels?: Record<string, string>;
  metricsPath?: string;
}

export interface PrometheusOptions {
  /** Scraped targets (live tests). Without targets Prometheus only serves backfilled data. */
  targets?: ScrapeTarget[];
  scrapeIntervalMs?: number;
  /** OpenMetrics documents to backfill before start (see backfillOpenMetrics). */
  openMetrics?: string[];
  /** Longest wait for /-/ready. */
  startTimeoutMs?: number;
  extraArgs?: string[];
}

export interface RunningPrometheus {
  url: string;
  port: number;
  dir: string;
  dataDir: string;
  pid: number | undefined;
  /** Whether the process is still running. */
  running(): boolean;
  /** Prometheus' stderr/stdout so far (for failure messages). */
  logs(): string;
  /** Graceful stop: SIGTERM, then SIGKILL after `graceMs`. Resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Immediate SIGKILL (a crash). */
  kill(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a hung server); resume() undoes it. */
  pause(): void;
  resume(): void;
  /** Polls an instant query until `accept` returns true for its result (bounded). */
  waitFor(query: string, accept: (result: unknown[]) => boolean, timeoutMs?: number): Promise<unknown[]>;
  /** Stops the process if needed and deletes the temporary directory. */
  close(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed test must not leave a Prometheus behind.
  process.once('exit', () => {
    for (const child of live) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  });
}

/** A free TCP port on 127.0.0.1 (bind to 0, read, release). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

function configYaml(options: PrometheusOptions): string {
  const interval = `${Math.max(100, options.scrapeIntervalMs ?? 1000)}ms`;
  // JSON is YAML: no YAML library needed, and no quoting surprises.
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: (options.targets ?? []).map((t, i) => ({
      job_name: `target-${i}`,
      metrics_path: t.metricsPath ?? '/metrics',
      static_configs: [{ targets: [t.address], labels: t.labels ?? {} }],
    })),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function getJson(url: string, timeoutMs: number): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      return { status: response.status, body: text };
    }
  } catch {
    return undefined;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function launch(
  binary: string,
  dir: string,
  dataDir: string,
  options: PrometheusOptions,
): Promise<{ child: ChildProcess; port: number; output: string[] }> {
  const configFile = path.join(dir, 'prometheus.yml');
  await writeFile(configFile, configYaml(options));
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString('utf8'));
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`prometheus exited during start-up (${child.exitCode ?? child.signalCode}):\n${output.join('')}`);
    }
    const ready = await getJson(`http://127.0.0.1:${port}/-/ready`, 1_000);
    if (ready?.status === 200) return { child, port, output };
    await sleep(50);
  }
  child.kill('SIGKILL');
  await exited(child);
  throw new Error(`prometheus not ready within ${options.startTimeoutMs ?? 20_000} ms:\n${output.join('')}`);
}

/**
 * Starts Debian's Prometheus on 127.0.0.1 with a fresh temporary directory and a free port,
 * optionally on backfilled data and/or scraping local exporters; resolves once /-/ready answers.
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const { prometheus } = requirePrometheus();
  installExitHook();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sf-prometheus-'));
  const dataDir = path.join(dir, 'data');
  try {
    for (const doc of options.openMetrics ?? []) await backfillOpenMetrics(doc, dataDir);
    let launched: Awaited<ReturnType<typeof launch>> | undefined;
    let lastError: unknown;
    // The port is released before Prometheus binds it; another process may take it in between.
    for (let attempt = 0; attempt < 3 && !launched; attempt++) {
      try {
        launched = await launch(prometheus, dir, dataDir, options);
      } catch (error) {
        lastError = error;
        if (!String(error).includes('address already in use')) break;
      }
    }
    if (!launched) throw lastError;
    const { child, port, output } = launched;
    const url = `http://127.0.0.1:${port}`;
    const handle: RunningPrometheus = {
      url,
      port,
      dir,
      dataDir,
      pid: child.pid,
      running: () => child.exitCode === null && child.signalCode === null,
      logs: () => output.join(''),
      async stop(graceMs = 5_000) {
        if (!handle.running()) return;
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited(child);
        clearTimeout(timer);
      },
      async kill() {
        if (!handle.running()) return;
        child.kill('SIGKILL');
        await exited(child);
      },
      pause() {
        child.kill('SIGSTOP');
      },
      resume() {
        child.kill('SIGCONT');
      },
      async waitFor(query, accept, timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        let last: unknown;
        while (Date.now() < deadline) {
          const answer = await getJson(`${url}/api/v1/query?query=${encodeURIComponent(query)}`, 2_000);
          last = answer?.body;
          const data = (answer?.body as { data?: { result?: unknown } } | undefined)?.data;
          if (Array.isArray(data?.result) && accept(data.result)) return data.result as unknown[];
          await sleep(250);
        }
        throw new Error(
          `no acceptable result for ${query} within ${timeoutMs} ms; last answer: ${(JSON.stringify(last) as string | undefined)?.slice(0, 500)}`,
        );
      },
      async close() {
        await handle.stop(2_000);
        await rm(dir, { recursive: true, force: true });
      },
    };
    return handle;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

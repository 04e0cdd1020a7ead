import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../prometheus/server.js';

/**
 * A Debian Prometheus-family daemon (Alertmanager, Pushgateway) on 127.0.0.1: a fresh temporary
 * directory, a free port, ready when /-/ready answers 200. Killed when the test process exits.
 */

export interface RunningDaemon {
  url: string;
  port: number;
  dir: string;
  running(): boolean;
  logs(): string;
  /** SIGKILL (the service goes down: connection refused from then on). */
  kill(): Promise<void>;
  /** Stops the process if needed and deletes the temporary directory. */
  close(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

export function binary(envName: string, fallback: string, debianPackage: string): string {
  const file = process.env[envName] ?? fallback;
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    throw new Error(`${file} not found (install the Debian package "${debianPackage}", or set ${envName})`);
  }
}

export function daemonAvailable(envName: string, fallback: string, debianPackage: string): boolean {
  try {
    binary(envName, fallback, debianPackage);
    return true;
  } catch (error) {
    if (process.env['CI']) throw error;
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function ready(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
    await response.text();
    return response.status === 200;
  } catch {
    return false;
  }
}

export async function startDaemon(
  name: string,
  file: string,
  args: (dir: string, port: number) => Promise<string[]>,
  startTimeoutMs = 20_000,
): Promise<RunningDaemon> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of live) child.kill('SIGKILL');
    });
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), `sf-${name}-`));
  let lastError: unknown;
  // The port is released before the daemon binds it; another process may take it in between.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(file, await args(dir, port), { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    live.add(child);
    child.once('exit', () => live.delete(child));
    const keep = (chunk: Buffer): void => {
      output.push(chunk.toString('utf8'));
      if (output.length > 400) output.splice(0, output.length - 400);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + startTimeoutMs;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await ready(url)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (up) {
      const handle: RunningDaemon = {
        url,
        port,
        dir,
        running: () => child.exitCode === null && child.signalCode === null,
        logs: () => output.join(''),
        async kill() {
          if (!handle.running()) return;
          child.kill('SIGKILL');
          await exited(child);
        },
        async close() {
          await handle.kill();
          await rm(dir, { recursive: true, force: true });
        },
      };
      return handle;
    }
    child.kill('SIGKILL');
    await exited(child);
    lastError = new Error(
      `${name} did not become ready (exit ${child.exitCode ?? child.signalCode ?? 'none'}):\n${output.join('')}`,
    );
    if (!output.join('').includes('address already in use')) break;
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

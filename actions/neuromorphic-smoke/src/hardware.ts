import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { clip, errorMessage, execCommand, info, readTextFile, UserError, warning } from '@spikeformer-actions/core';
import {
  type AdapterStatus,
  type AttemptRecord,
  classify,
  type Outcome,
  parseStatus,
  type Phase,
} from './adapter-protocol.js';

export interface HardwareConfig {
  command: string[];
  target: string;
  graph: string;
  stimulus: string;
  steps: number;
  dt: number;
  workDir: string;
  allocationTimeoutMs: number;
  runTimeoutMs: number;
  releaseTimeoutMs: number;
  maxRetries: number;
  signal?: AbortSignal;
  /** Called with the allocation file before allocate starts, so post can find it. */
  onAllocationFile?: (file: string) => void;
}

export type HardwareResult =
  | { kind: 'ok'; output: string; status: AdapterStatus; attempts: AttemptRecord[] }
  | { kind: 'unavailable'; reason: string; attempts: AttemptRecord[] }
  | { kind: 'error'; reason: string; attempts: AttemptRecord[] };

/** The most an adapter's status or allocation file may hold. */
const ADAPTER_FILE_MAX_BYTES = 1024 * 1024;

/** An adapter-written file, bounded; undefined when there is none (a file over the limit is an error). */
export async function readIfPresent(file: string, maxBytes = ADAPTER_FILE_MAX_BYTES): Promise<string | undefined> {
  try {
    await stat(file);
  } catch {
    return undefined;
  }
  return readTextFile(file, maxBytes, `adapter file ${path.basename(file)}`);
}

async function call(
  cfg: HardwareConfig,
  phase: Phase,
  args: string[],
  timeoutMs: number,
): Promise<{ outcome: Outcome; durationMs: number }> {
  // An already-aborted signal never fires 'abort': check before starting the adapter.
  if (cfg.signal?.aborted)
    throw new UserError(`cancelled before hardware ${phase}; the post step releases any allocation`);
  const status = path.join(cfg.workDir, `${phase}-status.json`);
  await rm(status, { force: true });
  const [program, ...rest] = cfg.command as [string, ...string[]];
  const result = await execCommand(program, [...rest, phase, ...args, '--status', status], {
    timeoutMs,
    maxOutputBytes: 1024 * 1024,
    ...(cfg.signal ? { signal: cfg.signal } : {}),
  });
  if (cfg.signal?.aborted)
    throw new UserError(`cancelled during hardware ${phase}; the post step releases any allocation`);
  const text = result.stdout.trim();
  if (text !== '') info(`adapter ${phase}: ${text.split('\n').slice(-5).join(' | ')}`);
  const outcome = classify(
    phase,
    { exitCode: result.exitCode, timedOut: result.timedOut, timeoutMs },
    parseStatus(await readIfPresent(status)),
  );
  if (outcome.kind !== 'ok' && result.stderr.trim() !== '')
    info(`adapter ${phase} stderr: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return { outcome, durationMs: result.durationMs };
}

/** Releases an allocation; never throws (it runs on the way out, also from post). */
export async function releaseAllocation(
  command: string[],
  allocation: string,
  workDir: string,
  timeoutMs: number,
): Promise<Outcome> {
  try {
    await mkdir(workDir, { recursive: true });
    const { outcome } = await call(
      { command, workDir } as HardwareConfig,
      'release',
      ['--allocation', allocation],
      timeoutMs,
    );
    return outcome;
  } catch (error) {
    return { kind: 'error', reason: errorMessage(error) };
  }
}

/**
 * Allocate → run → release through the adapter, retrying the whole sequence at most
 * maxRetries times on infrastructure errors only. Every attempt is recorded.
 */
export async function runOnHardware(cfg: HardwareConfig): Promise<HardwareResult> {
  await mkdir(cfg.workDir, { recursive: true });
  const attempts: AttemptRecord[] = [];
  const allocationFile = path.join(cfg.workDir, 'allocation');
  const output = path.join(cfg.workDir, 'hardware-output.h5');
  cfg.onAllocationFile?.(allocationFile);
  const record = (attempt: number, phase: Phase, outcome: Outcome, allocation: string | null, ms: number): void => {
    attempts.push({
      attempt,
      phase,
      outcome: outcome.kind,
      reason: outcome.kind === 'ok' ? null : outcome.reason,
      allocation,
      duration_s: ms / 1000,
    });
  };
  for (let attempt = 1; attempt <= cfg.maxRetries + 1; attempt++) {
    await rm(allocationFile, { force: true });
    info(`hardware attempt ${attempt}: allocating a ${cfg.target} board`);
    // Report the job id as soon as the adapter has one (it may sit in a queue for long).
    let announced = false;
    const watch = setInterval(() => {
      // An oversize file is reported when allocate ends; the announcement only waits for it.
      readIfPresent(allocationFile).then(
        (id) => {
          if (!announced && id !== undefined && id.trim() !== '') {
            announced = true;
            info(`hardware: allocation ${clip(id.trim())} requested (queued)`);
          }
        },
        () => undefined,
      );
    }, 200);
    const alloc = await call(
      cfg,
      'allocate',
      ['--target', cfg.target, '--allocation-file', allocationFile],
      cfg.allocationTimeoutMs,
    ).finally(() => clearInterval(watch));
    const early = (await readIfPresent(allocationFile))?.trim() || null;
    const allocation = alloc.outcome.kind === 'ok' ? (alloc.outcome.status.allocation ?? early) : early;
    record(attempt, 'allocate', alloc.outcome, allocation, alloc.durationMs);
    if (alloc.outcome.kind !== 'ok') {
      // A queued job that never became ready is still a job: give it back.
      if (allocation) await releaseAndForget(cfg, allocation, allocationFile);
      if (alloc.outcome.kind === 'infrastructure' && attempt <= cfg.maxRetries) {
        warning(
          `hardware attempt ${attempt}: infrastructure error during allocate (${clip(alloc.outcome.reason)}); retrying`,
        );
        continue;
      }
      if (alloc.outcome.kind === 'unavailable') return { kind: 'unavailable', reason: alloc.outcome.reason, attempts };
      return {
        kind: 'error',
        reason: `allocate: ${alloc.outcome.kind === 'infrastructure' ? `${alloc.outcome.reason} (retries exhausted)` : alloc.outcome.reason}`,
        attempts,
      };
    }
    await writeFile(allocationFile, `${allocation ?? ''}\n`);
    await rm(output, { force: true });
    const run = await call(
      cfg,
      'run',
      [
        '--allocation',
        allocation ?? '',
        '--graph',
        cfg.graph,
        '--stimulus',
        cfg.stimulus,
        '--output',
        output,
        '--steps',
        String(cfg.steps),
        '--dt',
        String(cfg.dt),
      ],
      cfg.runTimeoutMs,
    );
    record(attempt, 'run', run.outcome, allocation, run.durationMs);
    await releaseAndForget(cfg, allocation ?? '', allocationFile);
    if (run.outcome.kind === 'ok') return { kind: 'ok', output, status: run.outcome.status, attempts };
    if (run.outcome.kind === 'infrastructure' && attempt <= cfg.maxRetries) {
      warning(`hardware attempt ${attempt}: infrastructure error during run (${clip(run.outcome.reason)}); retrying`);
      continue;
    }
    const reason =
      run.outcome.kind === 'infrastructure' ? `${run.outcome.reason} (retries exhausted)` : run.outcome.reason;
    return run.outcome.kind === 'unavailable'
      ? { kind: 'unavailable', reason, attempts }
      : { kind: 'error', reason: `run: ${reason}`, attempts };
  }
  return { kind: 'error', reason: 'retries exhausted', attempts };
}

async function releaseAndForget(cfg: HardwareConfig, allocation: string, allocationFile: string): Promise<void> {
  if (allocation === '') return;
  const outcome = await releaseAllocation(cfg.command, allocation, cfg.workDir, cfg.releaseTimeoutMs);
  if (outcome.kind === 'ok') await rm(allocationFile, { force: true });
  else
    warning(
      `hardware: releasing allocation ${clip(allocation)} failed (${clip(outcome.reason)}); the post step will try again`,
    );
}

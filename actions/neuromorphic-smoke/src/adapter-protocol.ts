/**
 * The hardware adapter protocol (pure part). The user's `hardware-command` is called as
 *   <command…> allocate --target T --allocation-file F --status S
 *   <command…> run --allocation ID --graph G --stimulus I --output O --status S --steps N --dt DT
 *   <command…> release --allocation ID --status S
 * and writes a JSON status file: {"state": "allocated"|"ok"|"unavailable"|"error"|"released",
 * "allocation"?, "error_kind"?: "infrastructure"|"user", "message"?, "execution_time_s"?,
 * "energy_j"?}. `allocate` writes the allocation (job) id to F as soon as it has one, even
 * while still queued, so a cancelled job can still be released by the post step.
 */
export type Phase = 'allocate' | 'run' | 'release';

export interface AdapterStatus {
  state: 'allocated' | 'ok' | 'unavailable' | 'error' | 'released';
  allocation?: string;
  error_kind?: 'infrastructure' | 'user';
  message?: string;
  execution_time_s?: number;
  energy_j?: number;
}

export type Outcome =
  | { kind: 'ok'; status: AdapterStatus }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'infrastructure'; reason: string }
  | { kind: 'error'; reason: string };

export function parseStatus(text: string | undefined): AdapterStatus | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (!['allocated', 'ok', 'unavailable', 'error', 'released'].includes(String(o.state))) return undefined;
  const status: AdapterStatus = { state: o.state as AdapterStatus['state'] };
  if (typeof o.allocation === 'string' || typeof o.allocation === 'number') status.allocation = String(o.allocation);
  if (o.error_kind === 'infrastructure' || o.error_kind === 'user') status.error_kind = o.error_kind;
  if (typeof o.message === 'string') status.message = o.message.slice(0, 2000);
  if (typeof o.execution_time_s === 'number' && Number.isFinite(o.execution_time_s))
    status.execution_time_s = o.execution_time_s;
  if (typeof o.energy_j === 'number' && Number.isFinite(o.energy_j)) status.energy_j = o.energy_j;
  return status;
}

/**
 * What a finished adapter call means. Timeouts: an allocation that does not come is
 * "unavailable"; a run that hangs is an infrastructure error (retried). Only infrastructure
 * errors are ever retried; a non-zero exit without a status is the adapter's own failure.
 */
export function classify(
  phase: Phase,
  exit: { exitCode: number | null; timedOut: boolean; timeoutMs: number },
  status: AdapterStatus | undefined,
): Outcome {
  const seconds = Math.round(exit.timeoutMs / 1000);
  if (exit.timedOut) {
    return phase === 'allocate'
      ? { kind: 'unavailable', reason: `no allocation within ${seconds} s` }
      : { kind: 'infrastructure', reason: `${phase} did not finish within ${seconds} s` };
  }
  if (status?.state === 'unavailable')
    return { kind: 'unavailable', reason: status.message ?? 'the adapter reports no hardware available' };
  if (status?.state === 'error') {
    const reason = status.message ?? `${phase} failed`;
    return status.error_kind === 'infrastructure' ? { kind: 'infrastructure', reason } : { kind: 'error', reason };
  }
  if (exit.exitCode !== 0)
    return {
      kind: 'error',
      reason: `${phase} exited with ${exit.exitCode ?? 'a signal'}${status ? '' : ' and wrote no status'}`,
    };
  if (phase === 'allocate' && (status?.state !== 'allocated' || !status.allocation))
    return { kind: 'error', reason: 'allocate succeeded but reported no allocation id' };
  if (phase === 'run' && status?.state !== 'ok')
    return { kind: 'error', reason: "run exited 0 but its status is not 'ok'" };
  return { kind: 'ok', status: status ?? { state: 'released' } };
}

export interface AttemptRecord {
  attempt: number;
  phase: Phase;
  outcome: Outcome['kind'];
  reason: string | null;
  allocation: string | null;
  duration_s: number;
}

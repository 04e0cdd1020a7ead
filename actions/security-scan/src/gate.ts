import type { FindingStates } from './baseline.js';
import { severityRank, type Finding, type Severity } from './model.js';

export const FAIL_ON = ['critical', 'high', 'medium', 'low', 'info', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface GateDecision {
  status: 'passed' | 'failed';
  /** The active findings that make the gate fail. */
  failing: Finding[];
  reason: string;
}

/**
 * Fails when an active (unsuppressed) finding is at least as severe as fail-on; with
 * newOnly, only findings that are new against the baseline count.
 */
export function judge(
  active: readonly Finding[],
  state: FindingStates,
  failOn: FailOn,
  newOnly: boolean,
): GateDecision {
  if (failOn === 'none') return { status: 'passed', failing: [], reason: 'fail-on is none: the gate never fails' };
  const threshold = severityRank(failOn);
  const failing = active.filter(
    (f) => severityRank(f.severity) >= threshold && (!newOnly || state.get(f.fingerprint) !== 'existing'),
  );
  const scope = newOnly ? 'new ' : '';
  if (failing.length === 0) return { status: 'passed', failing, reason: `no ${scope}finding at or above ${failOn}` };
  const bySeverity = new Map<Severity, number>();
  for (const f of failing) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  const parts = [...bySeverity].sort((a, b) => severityRank(b[0]) - severityRank(a[0])).map(([s, n]) => `${n} ${s}`);
  return {
    status: 'failed',
    failing,
    reason: `${failing.length} ${scope}finding(s) at or above ${failOn} (${parts.join(', ')})`,
  };
}

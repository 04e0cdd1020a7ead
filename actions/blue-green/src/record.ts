import type { AnalysisResult } from '@spikeformer-actions/delivery/analysis';
import type { Color } from './colors.js';
import type { ProbeResult } from './health.js';
import type { DeploymentAudit, TimelineEntry } from '@spikeformer-actions/delivery/rollout';

export type Status = 'switched' | 'rolled-back' | 'unchanged';

/** The deployment record (versioned JSON): who, when, what ran before and after, and why. */
export interface DeploymentRecord {
  schema: 'spikeformer-actions/blue-green-record';
  version: 1;
  action: string;
  status: Status;
  reason: string;
  who: { actor: string; repository: string; workflow: string; runId: string; sha: string };
  startedAt: string;
  finishedAt: string;
  namespace: string;
  service: string;
  deployment: string;
  colors: { before: Color | undefined; after: Color | undefined };
  images: { before: Record<string, string>; after: Record<string, string> };
  /** sha256 digests of the images that were pinned by digest. */
  digests: Record<string, string>;
  timeline: TimelineEntry[];
  analyses: Array<{
    phase: string;
    verdict: string;
    reason: string;
    metrics: Array<{ name: string; verdict: string; query: string; values: number[] }>;
  }>;
  probes: ProbeResult[];
  /** What the GitHub Deployment records (full, switch, rollback), whether or not GitHub took it. */
  githubDeployment?: DeploymentAudit;
}

export { digestsOf } from '@spikeformer-actions/delivery/rollout';

export function analysisRecord(phase: string, result: AnalysisResult): DeploymentRecord['analyses'][number] {
  return {
    phase,
    verdict: result.verdict,
    reason: result.reason,
    metrics: result.metrics.map((m) => ({
      name: m.name,
      verdict: m.verdict,
      query: m.query,
      values: m.measurements.flatMap((x) => x.values.map((v) => v.value)),
    })),
  };
}

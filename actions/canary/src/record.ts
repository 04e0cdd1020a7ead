import type { JudgeReport } from '@spikeformer-actions/delivery/analysis';
import type { StepAnalysis, SeriesPoint } from './analyser.js';
import type { CanaryPlan } from './state.js';
import type { DeploymentAudit, TimelineEntry } from '@spikeformer-actions/delivery/rollout';

export type Status = 'promoted' | 'rolled-back' | 'aborted' | 'paused';

export interface StepRecord {
  index: number;
  weight: number;
  /** How the router carried the weight (pods, annotation, backend weights). */
  expressed: string;
  startedAt: number;
  /** When the weight was in force (analysis time counts from here). */
  appliedAt?: number;
  finishedAt?: number;
  verdict?: StepAnalysis['verdict'];
  reason?: string;
  analysis?: StepAnalysis['analysis'];
  judge?: JudgeReport;
}

/** How fast a bad canary was caught, and how much traffic it served meanwhile. */
export interface Detection {
  failedStep: number;
  steps: number;
  /** From the first weight on the canary to the rollback decision. */
  secondsSinceFirstTraffic: number;
  /** From the failed step's weight change to the decision. */
  secondsIntoStep: number;
  analysisInterval: string;
  /** Requests the canary served, as its own counters in Prometheus say (increase over the canary's life). */
  canaryRequests?: number;
}

export interface Outcome {
  status: Status;
  reason: string;
  finalWeight: number;
  failedStep?: number;
  detection?: Detection;
  failed: boolean;
}

/** The analysis file: every step, every measurement, the chart series, the verdicts (versioned JSON). */
export interface AnalysisFile {
  schema: 'spikeformer-actions/canary-analysis';
  version: 1;
  action: string;
  status: Status | 'error';
  reason: string;
  deployment: string;
  router: string;
  startedAt: string;
  finishedAt: string;
  plan: CanaryPlan | undefined;
  steps: Array<
    Omit<StepRecord, 'analysis' | 'judge'> & {
      metrics: Array<{
        name: string;
        verdict: string;
        reason: string;
        query: string;
        measurements: Array<{ index: number; at: string; values: number[]; verdict: string; reason: string }>;
      }>;
      judge?: { score: number; classification: string; reason: string };
    }
  >;
  series: SeriesPoint[];
  detection?: Detection;
  timeline: TimelineEntry[];
  /** What the GitHub Deployment records, whether or not GitHub took it. */
  githubDeployment: DeploymentAudit;
}

export function stepForFile(s: StepRecord): AnalysisFile['steps'][number] {
  const { analysis, judge, ...rest } = s;
  return {
    ...rest,
    metrics: (analysis?.metrics ?? []).map((m) => ({
      name: m.name,
      verdict: m.verdict,
      reason: m.reason,
      query: m.query,
      measurements: m.measurements.map((x) => ({
        index: x.index,
        at: new Date(x.at).toISOString(),
        values: x.values.map((v) => v.value),
        verdict: x.verdict,
        reason: x.reason,
      })),
    })),
    ...(judge
      ? { judge: { score: judge.score.score, classification: judge.score.classification, reason: judge.score.reason } }
      : {}),
  };
}

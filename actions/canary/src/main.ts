import { GateFailure, group, notice, setOutput, workspaceRelative } from '@spikeformer-actions/core';

import { CanaryFlow } from './flow.js';
import { type Inputs, readInputs } from './inputs.js';
import { type AnalysisFile, type Outcome, stepForFile } from './record.js';
import { CanaryStore } from './store.js';
import { writeSummary } from './summary.js';
import { Timeline, kubectlFor, writeOutputFile } from '@spikeformer-actions/delivery/rollout';

function writeAnalysisFile(inputs: Inputs, flow: CanaryFlow, timeline: Timeline, started: Date, outcome: Outcome | undefined, reason: string, plan: AnalysisFile['plan']): string {
  const file: AnalysisFile = {
    schema: 'spikeformer-actions/canary-analysis',
    version: 1,
    action: inputs.action,
    status: outcome?.status ?? 'error',
    reason,
    deployment: inputs.deployment,
    router: inputs.router,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    plan,
    steps: flow.steps.map(stepForFile),
    series: flow.analyser.series,
    ...(outcome?.detection ? { detection: outcome.detection } : {}),
    timeline: timeline.entries,
  };
  writeOutputFile(inputs.analysisFile, `${JSON.stringify(file, null, 2)}\n`);
  return workspaceRelative(inputs.analysisFile);
}

export async function run(): Promise<void> {
  const inputs = readInputs();
  const started = new Date();
  const timeline = new Timeline();
  const kubectl = kubectlFor(inputs);
  const store = new CanaryStore(kubectl, inputs.deployment, inputs.rolloutTimeoutMs);
  const flow = new CanaryFlow(kubectl, inputs, store, timeline);
  let outcome: Outcome;
  try {
    outcome = await group(`canary ${inputs.action}`, async () => {
      switch (inputs.action) {
        case 'run':
          return flow.run();
        case 'promote':
          return flow.promoteNow();
        case 'abort':
          return flow.abort();
      }
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    timeline.add('error', message, false);
    setOutput('analysis-file', writeAnalysisFile(inputs, flow, timeline, started, undefined, message, flow.plan));
    writeSummary(inputs, timeline, flow.steps, flow.analyser.series, undefined);
    throw error;
  }
  const file = writeAnalysisFile(inputs, flow, timeline, started, outcome, outcome.reason, flow.plan);
  setOutput('status', outcome.status);
  setOutput('final-weight', String(outcome.finalWeight));
  setOutput('failed-step', outcome.failedStep ? String(outcome.failedStep) : '');
  setOutput('analysis-file', file);
  writeSummary(inputs, timeline, flow.steps, flow.analyser.series, outcome);
  const d = outcome.detection;
  if (d) {
    notice(`canary: detected at step ${d.failedStep}/${d.steps} after ${d.secondsSinceFirstTraffic.toFixed(1)} s (${d.secondsIntoStep.toFixed(1)} s into the step, analysis interval ${d.analysisInterval})${d.canaryRequests !== undefined ? `; ≈${Math.round(d.canaryRequests)} request(s) served by the canary` : ''}`);
  }
  if (outcome.failed) throw new GateFailure(outcome.reason);
  if (outcome.status === 'paused') notice(`canary: ${outcome.reason}`);
}

import { GateFailure, group, notice, setOutput, workspaceRelative } from '@spikeformer-actions/core';

import { CanaryFlow } from './flow.js';
import { type Inputs, readInputs } from './inputs.js';
import { type AnalysisFile, type Outcome, stepForFile } from './record.js';
import { CanaryStore } from './store.js';
import { writeSummary } from './summary.js';
import { rollbackRulesYaml } from '@spikeformer-actions/delivery/alerts';
import {
  type DeploymentState,
  GitHubDeployment,
  Timeline,
  kubectlFor,
  pushDeploymentMetricsOrWarn,
  writeOutputFile,
} from '@spikeformer-actions/delivery/rollout';
import type { Kubectl } from '@spikeformer-actions/delivery/kube';

const OUTCOMES = ['promoted', 'rolled-back', 'aborted', 'paused', 'error'] as const;

/** The deployment's last status for each outcome; a paused canary stays in progress. */
const DEPLOYMENT_STATES: Record<Outcome['status'], DeploymentState> = {
  promoted: 'success',
  'rolled-back': 'failure',
  aborted: 'inactive',
  paused: 'in_progress',
};

function writeAnalysisFile(
  inputs: Inputs,
  flow: CanaryFlow,
  timeline: Timeline,
  started: Date,
  outcome: Outcome | undefined,
  reason: string,
  plan: AnalysisFile['plan'],
  github: GitHubDeployment,
): string {
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
    githubDeployment: github.audit,
  };
  writeOutputFile(inputs.analysisFile, `${JSON.stringify(file, null, 2)}\n`);
  return workspaceRelative(inputs.analysisFile);
}

/** The design's rollback triggers for what serves after the run: the stable Deployment. */
function writeRulesFile(inputs: Inputs, kubectl: Kubectl): string {
  const namespace = inputs.namespace || kubectl.namespace || 'default';
  writeOutputFile(
    inputs.alertRulesFile,
    rollbackRulesYaml({
      namespace,
      workload: inputs.deployment,
      group: `spikeformer-${inputs.deployment}-rollback-triggers`,
      labels: { deployment: inputs.deployment },
    }),
  );
  return workspaceRelative(inputs.alertRulesFile);
}

async function pushMetrics(
  inputs: Inputs,
  kubectl: Kubectl,
  flow: CanaryFlow,
  started: Date,
  outcome: Outcome | undefined,
): Promise<void> {
  if (!inputs.pushgatewayUrl) return;
  const badRequests = inputs.action === 'run' ? await flow.badRequests() : undefined;
  const stepReached = flow.steps.at(-1)?.index;
  await pushDeploymentMetricsOrWarn(inputs.pushgatewayUrl, {
    job: 'spikeformer-canary',
    instance: inputs.deployment,
    namespace: inputs.namespace || kubectl.namespace || 'default',
    durationSeconds: (Date.now() - started.getTime()) / 1000,
    outcome: outcome?.status ?? 'error',
    outcomes: OUTCOMES,
    succeeded: outcome !== undefined && !outcome.failed,
    ...(stepReached !== undefined ? { stepReached } : {}),
    ...(flow.plan ? { steps: flow.plan.steps.length } : {}),
    ...(badRequests !== undefined ? { badRequests } : {}),
    finishedAt: new Date(),
  });
}

export async function run(): Promise<void> {
  const inputs = readInputs();
  const started = new Date();
  const timeline = new Timeline();
  const kubectl = kubectlFor(inputs);
  const store = new CanaryStore(kubectl, inputs.deployment, inputs.rolloutTimeoutMs);
  const flow = new CanaryFlow(kubectl, inputs, store, timeline);
  const github = await GitHubDeployment.start({
    tool: 'canary',
    token: inputs.githubToken,
    environment: inputs.environment,
    payload: {
      action: inputs.action,
      namespace: inputs.namespace,
      deployment: inputs.deployment,
      router: inputs.router,
    },
    images: Object.fromEntries(inputs.images.map((i) => [i.container, i.image])),
  });
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
    await github.status('error', message);
    setOutput(
      'analysis-file',
      writeAnalysisFile(inputs, flow, timeline, started, undefined, message, flow.plan, github),
    );
    writeSummary(inputs, timeline, flow.steps, flow.analyser.series, undefined);
    await pushMetrics(inputs, kubectl, flow, started, undefined);
    throw error;
  }
  await github.status(DEPLOYMENT_STATES[outcome.status], outcome.reason);
  if (flow.plan) github.served(flow.plan.images);
  const file = writeAnalysisFile(inputs, flow, timeline, started, outcome, outcome.reason, flow.plan, github);
  setOutput('status', outcome.status);
  setOutput('final-weight', String(outcome.finalWeight));
  setOutput('failed-step', outcome.failedStep ? String(outcome.failedStep) : '');
  setOutput('analysis-file', file);
  if (inputs.alertRulesFile) setOutput('alert-rules-file', writeRulesFile(inputs, kubectl));
  await pushMetrics(inputs, kubectl, flow, started, outcome);
  writeSummary(inputs, timeline, flow.steps, flow.analyser.series, outcome);
  const d = outcome.detection;
  if (d) {
    notice(
      `canary: detected at step ${d.failedStep}/${d.steps} after ${d.secondsSinceFirstTraffic.toFixed(1)} s (${d.secondsIntoStep.toFixed(1)} s into the step, analysis interval ${d.analysisInterval})${d.canaryRequests !== undefined ? `; ≈${Math.round(d.canaryRequests)} request(s) served by the canary` : ''}`,
    );
  }
  if (outcome.failed) throw new GateFailure(outcome.reason);
  if (outcome.status === 'paused') notice(`canary: ${outcome.reason}`);
}

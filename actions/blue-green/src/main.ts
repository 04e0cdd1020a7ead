import {
  GateFailure,
  group,
  safeInline,
  saveState,
  setOutput,
  UserError,
  workspaceRelative,
} from '@spikeformer-actions/core';
import { FlagMover } from '@spikeformer-actions/delivery/flags';
import { RolloutFailedError, WaitTimeoutError } from '@spikeformer-actions/delivery/kube';
import { anchorBaselineAtSwitch } from './baseline.js';
import { type Color, imagesOf, otherColor, runsImages, selectorFor } from './colors.js';
import { type Active, Deployer } from './deployer.js';
import { type Inputs, readInputs } from './inputs.js';
import { analysisRecord, type DeploymentRecord, digestsOf, type Status } from './record.js';
import type { PostState } from './state.js';
import { writeSummary } from './summary.js';
import { rollbackRulesYaml } from '@spikeformer-actions/delivery/alerts';
import {
  GitHubDeployment,
  kubectlFor,
  pushDeploymentMetricsOrWarn,
  sleep,
  Timeline,
  writeOutputFile,
} from '@spikeformer-actions/delivery/rollout';

export const STATE_KEY = 'blue-green';

interface Outcome {
  status: Status;
  reason: string;
  before: Color | undefined;
  after: Color | undefined;
  imagesBefore: Record<string, string>;
  imagesAfter: Record<string, string>;
  failed: boolean;
}

function savePost(
  inputs: Inputs,
  phase: PostState['phase'],
  restoreSelector: Record<string, string>,
  flag?: FlagMover,
): void {
  const state: PostState = {
    phase,
    namespace: inputs.namespace,
    service: inputs.service,
    restoreSelector,
    kubeconfig: inputs.kubeconfig,
    context: inputs.context,
    ...(flag ? { flag: flag.snapshot } : {}),
  };
  saveState(STATE_KEY, state);
}

async function scaleDownQuietly(deployer: Deployer, color: Color): Promise<void> {
  try {
    await deployer.scale(color, 0);
  } catch {
    // Best effort: the failure that led here is what gets reported.
  }
}

/** deploy → verify (rollout, preview, health, pre-switch analysis); returns false when the idle colour is not fit. */
async function deployAndVerify(
  deployer: Deployer,
  inputs: Inputs,
  active: Active,
  idle: Color,
  timeline: Timeline,
): Promise<{ ok: boolean; reason: string }> {
  const base = active.service.spec.selector ?? {};
  try {
    await deployer.deployIdle(active, idle, inputs.manifest);
    await deployer.waitReady(idle, base);
    await deployer.pointPreview(idle, base);
  } catch (error) {
    if (error instanceof RolloutFailedError || error instanceof WaitTimeoutError) {
      timeline.add('rollout', error.message, false);
      await scaleDownQuietly(deployer, idle);
      return { ok: false, reason: `${deployer.deploymentName(idle)} did not become ready: ${error.message}` };
    }
    throw error;
  }
  if (!(await deployer.healthCheck(idle))) {
    await scaleDownQuietly(deployer, idle);
    return { ok: false, reason: `health checks of ${idle} failed` };
  }
  if (inputs.preSwitchAnalysis) {
    const result = await deployer.analyse('pre-switch', inputs.preSwitchAnalysis, {
      service: inputs.previewService || inputs.service,
      canary: deployer.deploymentName(idle),
      stable: deployer.deploymentName(active.state.active),
    });
    if (result && result.verdict !== 'Successful') {
      await scaleDownQuietly(deployer, idle);
      return { ok: false, reason: `pre-switch analysis of ${idle}: ${result.verdict} (${result.reason})` };
    }
  }
  return { ok: true, reason: '' };
}

/** switch → monitor → keep or switch back → scale the old colour down after the delay. */
async function switchAndMonitor(
  deployer: Deployer,
  inputs: Inputs,
  active: Active,
  target: Color,
  timeline: Timeline,
  flag: FlagMover | undefined,
): Promise<Outcome> {
  const before = active.state.active;
  const oldSelector = { ...(active.service.spec.selector ?? {}) };
  const beforeDeployment = await deployer.getDeployment(before);
  const targetDeployment = await deployer.getDeployment(target);
  const imagesBefore = beforeDeployment ? imagesOf(beforeDeployment) : {};
  const imagesAfter = targetDeployment ? imagesOf(targetDeployment) : {};
  savePost(inputs, 'switching', oldSelector, flag);
  await deployer.switchTo(active.service, target, 'switched', {
    previous: before,
    verifiedSelector: oldSelector,
    images: imagesAfter,
    previousImages: imagesBefore,
  });
  savePost(inputs, 'switched', oldSelector, flag);
  if (flag) await serveFlag(flag, flag.snapshot.newVariant, timeline);
  const switchedAt = Date.now();
  await deployer.waitActiveOnly(target, oldSelector);

  // A matching firing alert ends the monitoring at once (firing); the watch itself runs until the other monitors are done (over).
  const firing = new AbortController();
  const over = new AbortController();
  const alerts = deployer.watchAlerts(
    Math.max(1000, Math.min(30_000, Math.floor(inputs.monitorMs / 10))),
    over.signal,
    firing,
  );
  const monitoring = [
    deployer
      .analyse(
        'post-switch',
        anchorBaselineAtSwitch(inputs.analysis, switchedAt),
        { service: inputs.service, canary: deployer.deploymentName(target), stable: deployer.deploymentName(before) },
        firing.signal,
      )
      .then((r) => !r || r.verdict === 'Successful'),
    deployer.monitorHealth(inputs.monitorMs, firing.signal),
    ...(inputs.alertMatchers.length > 0 ? [sleep(inputs.monitorMs, firing.signal).then(() => true)] : []),
  ];
  if (!inputs.prometheusUrl && !inputs.healthUrl && inputs.alertMatchers.length === 0)
    timeline.add('monitor', 'no prometheus-url, health-url or alert-matchers: nothing to watch after the switch');
  let watched: boolean[];
  try {
    watched = await Promise.all(monitoring);
  } finally {
    over.abort();
  }
  const healthy = (await alerts) && watched.every(Boolean);
  if (!healthy) {
    const fresh = await deployer.readActive();
    await deployer.switchTo(fresh.service, before, 'rolled-back', {
      previous: target,
      verifiedSelector: oldSelector,
      images: imagesBefore,
      previousImages: imagesAfter,
    });
    await deployer.waitActiveOnly(before, oldSelector);
    if (flag) await restoreFlag(flag, timeline);
    savePost(inputs, 'done', oldSelector);
    await scaleDownQuietly(deployer, target);
    const failed = (phase: string): string | undefined =>
      deployer.analyses.find((a) => a.phase === phase && a.result.verdict !== 'Successful')?.result.reason;
    // A firing alert cut the analysis short: it is the reason, not the analysis it stopped.
    const why = failed('alerts') ?? failed('post-switch') ?? 'health checks failed during monitoring';
    return {
      status: 'rolled-back',
      reason: `switched back to ${before}: ${why}`,
      before,
      after: before,
      imagesBefore,
      imagesAfter: imagesBefore,
      failed: true,
    };
  }
  await deployer.markVerified('verified');
  savePost(inputs, 'done', selectorFor(oldSelector, target));
  if (inputs.scaleDownDelayMs > 0) {
    timeline.add(
      'keep',
      `${deployer.deploymentName(before)} stays up for ${Math.round(inputs.scaleDownDelayMs / 1000)} s (instant rollback)`,
    );
    await sleep(inputs.scaleDownDelayMs);
    await deployer.scale(before, 0);
  } else {
    timeline.add('keep', `${deployer.deploymentName(before)} keeps running (scale-down-delay 0)`);
  }
  return {
    status: 'switched',
    reason: `service/${inputs.service} now serves ${target}`,
    before,
    after: target,
    imagesBefore,
    imagesAfter,
    failed: false,
  };
}

async function full(
  deployer: Deployer,
  inputs: Inputs,
  timeline: Timeline,
  deployOnly: boolean,
  flag: FlagMover | undefined,
): Promise<Outcome> {
  const active = await deployer.readActive();
  const current = await deployer.getDeployment(active.state.active);
  const images = current ? imagesOf(current) : {};
  const manifest = inputs.manifest;
  const wanted = manifest
    ? Object.values(imagesOf(manifest)).length > 0 &&
      current !== undefined &&
      runsImages(
        current,
        manifest.spec.template.spec.containers.map((c) => ({ container: c.name, image: c.image })),
      )
    : current !== undefined && runsImages(current, inputs.images);
  if (wanted && active.state.step !== 'switched') {
    timeline.add(
      'plan',
      `${deployer.deploymentName(active.state.active)} already runs the requested images: nothing to do`,
    );
    return {
      status: 'unchanged',
      reason: 'already deployed',
      before: active.state.active,
      after: active.state.active,
      imagesBefore: images,
      imagesAfter: images,
      failed: false,
    };
  }
  const idle = otherColor(active.state.active);
  timeline.add('plan', `active ${active.state.active}, deploying ${idle}`);
  savePost(inputs, 'idle', active.service.spec.selector ?? {});
  const verified = await deployAndVerify(deployer, inputs, active, idle, timeline);
  if (!verified.ok) {
    return {
      status: 'unchanged',
      reason: `no switch: ${verified.reason}`,
      before: active.state.active,
      after: active.state.active,
      imagesBefore: images,
      imagesAfter: images,
      failed: true,
    };
  }
  if (deployOnly)
    return {
      status: 'unchanged',
      reason: `${idle} is deployed and verified; run action switch to send traffic`,
      before: active.state.active,
      after: active.state.active,
      imagesBefore: images,
      imagesAfter: images,
      failed: false,
    };
  return switchAndMonitor(deployer, inputs, active, idle, timeline, flag);
}

async function switchOnly(
  deployer: Deployer,
  inputs: Inputs,
  timeline: Timeline,
  flag: FlagMover | undefined,
): Promise<Outcome> {
  const active = await deployer.readActive();
  const idle = otherColor(active.state.active);
  const idleDeployment = await deployer.getDeployment(idle);
  if (!idleDeployment || (idleDeployment.spec.replicas ?? 0) === 0)
    throw new UserError(`${deployer.deploymentName(idle)} is not deployed: run action deploy first`);
  await deployer.waitReady(idle, active.service.spec.selector ?? {});
  return switchAndMonitor(deployer, inputs, active, idle, timeline, flag);
}

async function rollback(
  deployer: Deployer,
  inputs: Inputs,
  timeline: Timeline,
  flag: FlagMover | undefined,
): Promise<Outcome> {
  const active = await deployer.readActive();
  const target = active.state.previous ?? otherColor(active.state.active);
  const deployment = await deployer.getDeployment(target);
  if (!deployment) throw new UserError(`nothing to roll back to: ${deployer.deploymentName(target)} does not exist`);
  const base = active.service.spec.selector ?? {};
  if ((deployment.spec.replicas ?? 0) === 0) {
    const activeDeployment = await deployer.getDeployment(active.state.active);
    await deployer.scale(target, Math.max(1, activeDeployment?.spec.replicas ?? 1));
    timeline.add('rollback', `${deployer.deploymentName(target)} was scaled down: scaling it up first (not instant)`);
  }
  await deployer.waitReady(target, base);
  const current = await deployer.getDeployment(active.state.active);
  const imagesBefore = current ? imagesOf(current) : {};
  const imagesAfter = imagesOf(deployment);
  savePost(inputs, 'switching', base);
  await deployer.switchTo(active.service, target, 'rolled-back', {
    previous: active.state.active,
    verifiedSelector: selectorFor(base, target),
    images: imagesAfter,
    previousImages: imagesBefore,
  });
  await deployer.waitActiveOnly(target, base);
  if (flag) await serveFlag(flag, flag.snapshot.stableVariant, timeline);
  savePost(inputs, 'done', selectorFor(base, target));
  return {
    status: 'rolled-back',
    reason: `rolled back from ${active.state.active} to ${target}`,
    before: active.state.active,
    after: target,
    imagesBefore,
    imagesAfter,
    failed: false,
  };
}

async function cleanup(deployer: Deployer, timeline: Timeline): Promise<Outcome> {
  const active = await deployer.readActive();
  if (active.state.step === 'switched')
    throw new UserError('the last switch was never verified (step switched): roll back or re-run before cleaning up');
  const idle = otherColor(active.state.active);
  await deployer.scale(idle, 0);
  timeline.add('cleanup', `${deployer.deploymentName(idle)} scaled to zero; ${active.state.active} stays active`);
  const current = await deployer.getDeployment(active.state.active);
  const images = current ? imagesOf(current) : {};
  return {
    status: 'unchanged',
    reason: 'idle colour scaled down',
    before: active.state.active,
    after: active.state.active,
    imagesBefore: images,
    imagesAfter: images,
    failed: false,
  };
}

/** The actions recorded as a GitHub Deployment: they change what serves. */
const RECORDED_ACTIONS: readonly Inputs['action'][] = ['full', 'switch', 'rollback'];

/** The images the run is about to serve: the inputs', the manifest's, or (switch, rollback) the target colour's. */
async function imagesToDeploy(deployer: Deployer, inputs: Inputs): Promise<Record<string, string>> {
  if (inputs.images.length > 0) return Object.fromEntries(inputs.images.map((i) => [i.container, i.image]));
  if (inputs.manifest) return imagesOf(inputs.manifest);
  try {
    const active = await deployer.readActive();
    const target =
      inputs.action === 'rollback'
        ? (active.state.previous ?? otherColor(active.state.active))
        : otherColor(active.state.active);
    const deployment = await deployer.getDeployment(target);
    return deployment ? imagesOf(deployment) : {};
  } catch {
    // Only the record's payload: the run itself reads these again and reports what is wrong.
    return {};
  }
}

/** The actions that move traffic, and so the flag. */
const FLAG_ACTIONS: readonly Inputs['action'][] = ['full', 'switch', 'rollback'];

function flagName(flag: FlagMover): string {
  return `flag ${safeInline(JSON.stringify(flag.snapshot.flagKey))} in ${flag.where}`;
}

/** The switch flips the flag's default variant with the traffic (the user's own targeting stays). */
async function serveFlag(flag: FlagMover, variant: string, timeline: Timeline): Promise<void> {
  const changed = await flag.serve(variant, true);
  timeline.add(
    'flag',
    `${flagName(flag)}: default variant ${safeInline(JSON.stringify(variant))}${changed ? '' : ' (it already was)'}`,
  );
}

async function restoreFlag(flag: FlagMover, timeline: Timeline): Promise<void> {
  const result = await flag.restore();
  timeline.add(
    'flag',
    `${flagName(flag)}: ${result.changed ? 'restored' : 'already is'} ${result.exact ? 'the configuration from before the switch, byte for byte' : 'this flag as before the switch (another flag of the document changed meanwhile and keeps its change)'}`,
  );
}

const OUTCOMES = ['switched', 'rolled-back', 'unchanged', 'error'] as const;

/** The design's rollback triggers for what serves after the run: the active colour's Deployment. */
function writeRulesFile(inputs: Inputs, deployer: Deployer, active: Color): string {
  const workload = deployer.deploymentName(active);
  writeOutputFile(
    inputs.alertRulesFile,
    rollbackRulesYaml({
      namespace: inputs.namespace || 'default',
      workload,
      group: `spikeformer-${inputs.deployment}-rollback-triggers`,
      labels: { deployment: inputs.deployment },
    }),
  );
  return workspaceRelative(inputs.alertRulesFile);
}

async function pushMetrics(
  inputs: Inputs,
  deployer: Deployer,
  started: Date,
  outcome: Outcome | undefined,
): Promise<void> {
  if (!inputs.pushgatewayUrl) return;
  // The new colour's bad answers: the one switched to, or the one switched back from.
  const judged =
    outcome?.status === 'switched'
      ? outcome.after
      : outcome?.status === 'rolled-back' && inputs.action !== 'rollback' && outcome.before
        ? otherColor(outcome.before)
        : undefined;
  const badRequests = judged ? await deployer.badRequestsSince(judged, started.getTime()) : undefined;
  await pushDeploymentMetricsOrWarn(inputs.pushgatewayUrl, {
    job: 'spikeformer-blue-green',
    instance: inputs.deployment,
    namespace: inputs.namespace || 'default',
    durationSeconds: (Date.now() - started.getTime()) / 1000,
    outcome: outcome?.status ?? 'error',
    outcomes: OUTCOMES,
    succeeded: outcome !== undefined && !outcome.failed,
    ...(badRequests !== undefined ? { badRequests } : {}),
    finishedAt: new Date(),
  });
}

export async function run(): Promise<void> {
  const inputs = await readInputs();
  const started = new Date();
  const timeline = new Timeline();
  const kubectl = kubectlFor(inputs);
  const deployer = new Deployer(kubectl, inputs, timeline);
  // Read and checked before the first change; its text now is what a switch-back writes back.
  const flag =
    inputs.flag && FLAG_ACTIONS.includes(inputs.action) ? await FlagMover.capture(kubectl, inputs.flag) : undefined;
  // The runs that change what serves are recorded; deploy (idle only) and cleanup are not.
  const github = RECORDED_ACTIONS.includes(inputs.action)
    ? await GitHubDeployment.start({
        tool: 'blue-green',
        token: inputs.githubToken,
        environment: inputs.environment,
        payload: { action: inputs.action, namespace: inputs.namespace, service: inputs.service },
        images: await imagesToDeploy(deployer, inputs),
      })
    : undefined;
  let outcome: Outcome;
  try {
    outcome = await group(`blue-green ${inputs.action}`, async () => {
      switch (inputs.action) {
        case 'full':
          return full(deployer, inputs, timeline, false, flag);
        case 'deploy':
          return full(deployer, inputs, timeline, true, undefined);
        case 'switch':
          return switchOnly(deployer, inputs, timeline, flag);
        case 'rollback':
          return rollback(deployer, inputs, timeline, flag);
        case 'cleanup':
          return cleanup(deployer, timeline);
      }
    });
  } catch (error) {
    timeline.add('error', error instanceof Error ? error.message : String(error), false);
    await github?.status('error', error instanceof Error ? error.message : String(error));
    writeSummary(inputs, timeline, deployer, undefined);
    await pushMetrics(inputs, deployer, started, undefined);
    throw error;
  }
  await github?.status(outcome.failed ? 'failure' : 'success', outcome.reason);
  github?.served(outcome.imagesAfter);
  const record: DeploymentRecord = {
    schema: 'spikeformer-actions/blue-green-record',
    version: 1,
    action: inputs.action,
    status: outcome.status,
    reason: outcome.reason,
    who: {
      actor: process.env.GITHUB_ACTOR ?? '',
      repository: process.env.GITHUB_REPOSITORY ?? '',
      workflow: process.env.GITHUB_WORKFLOW_REF ?? '',
      runId: process.env.GITHUB_RUN_ID ?? '',
      sha: process.env.GITHUB_SHA ?? '',
    },
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    namespace: inputs.namespace,
    service: inputs.service,
    deployment: inputs.deployment,
    colors: { before: outcome.before, after: outcome.after },
    images: { before: outcome.imagesBefore, after: outcome.imagesAfter },
    digests: digestsOf(outcome.imagesAfter),
    timeline: timeline.entries,
    analyses: deployer.analyses.map((a) => analysisRecord(a.phase, a.result)),
    probes: deployer.probes,
    ...(github ? { githubDeployment: github.audit } : {}),
  };
  const recordPath = inputs.recordFile;
  writeOutputFile(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  setOutput('active-color', outcome.after ?? '');
  setOutput('previous-color', outcome.before ?? '');
  setOutput('status', outcome.status);
  setOutput('record-file', workspaceRelative(recordPath));
  if (inputs.alertRulesFile && outcome.after)
    setOutput('alert-rules-file', writeRulesFile(inputs, deployer, outcome.after));
  await pushMetrics(inputs, deployer, started, outcome);
  writeSummary(inputs, timeline, deployer, outcome);
  if (outcome.failed) throw new GateFailure(outcome.reason);
}

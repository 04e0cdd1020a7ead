import { formatDuration, saveState, UserError } from '@spikeformer-actions/core';
import { type AnalysisSpec, escapePromQlString, PrometheusClient } from '@spikeformer-actions/delivery/analysis';
import { type Deployment, type Kubectl, updateObject, waitForRollout } from '@spikeformer-actions/delivery/kube';
import { Analyser } from './analyser.js';
import type { Inputs } from './inputs.js';
import { checkRouterPlan } from './plan.js';
import type { Detection, Outcome, StepRecord } from './record.js';
import { Router, type RouterConfig } from './router.js';
import { canaryName, imagesOf } from './routes.js';
import { type CanaryPlan, type CanaryState, decideStart, type Progress } from './state.js';
import type { CanaryStore } from './store.js';
import type { Timeline } from '@spikeformer-actions/delivery/rollout';
import { callWebhook, type WebhookKind } from './webhooks.js';
import { CanaryFlag } from './flag.js';
import { FlagMover } from '@spikeformer-actions/delivery/flags';

export const STATE_KEY = 'canary';

/** What main saves for its post step: enough to send all traffic to the stable. */
export interface PostState {
  phase: 'progressing' | 'done';
  router: RouterConfig;
  stableReplicas: number;
  kubeconfig: string;
  context: string;
}

export function routerConfig(inputs: Inputs): RouterConfig {
  return {
    kind: inputs.router,
    namespace: inputs.namespace,
    deployment: inputs.deployment,
    service: inputs.service,
    ingress: inputs.ingress,
    httpRoute: inputs.httpRoute,
    trafficSplit: inputs.trafficSplit,
    rolloutTimeoutMs: inputs.rolloutTimeoutMs,
  };
}

function intervalText(spec: AnalysisSpec): string {
  const shown = [...new Set(spec.metrics.map((m) => `${formatDuration(m.intervalMs)} × ${m.count}`))];
  return shown.join(', ');
}

/** Runs, promotes or aborts one canary; every decision lands in the timeline and the step records. */
export class CanaryFlow {
  readonly steps: StepRecord[] = [];
  readonly router: Router;
  readonly analyser: Analyser;
  /** The plan this run worked on (kept for the analysis file after promotion removed the canary). */
  plan: CanaryPlan | undefined;
  private firstTrafficAt: number | undefined;

  constructor(
    private readonly kubectl: Kubectl,
    private readonly inputs: Inputs,
    private readonly store: CanaryStore,
    private readonly timeline: Timeline,
  ) {
    this.router = new Router(kubectl, routerConfig(inputs), (step, detail, ok) => timeline.add(step, detail, ok));
    this.analyser = new Analyser({
      prometheusUrl: inputs.prometheusUrl,
      prometheusToken: inputs.prometheusToken,
      spec: inputs.analysis,
      judge: inputs.judge,
      vars: {
        namespace: inputs.namespace || kubectl.namespace || 'default',
        service: inputs.service,
        stable: inputs.deployment,
        canary: canaryName(inputs.deployment),
      },
      alertmanagerUrl: inputs.alertmanagerUrl,
      alertMatchers: inputs.alertMatchers,
    });
  }

  /** The plan's flagd flag (a no-op without one): the plan, not this run's inputs, says which flag moves. */
  private flagOf(plan: CanaryPlan | undefined): CanaryFlag {
    return CanaryFlag.of(this.kubectl, plan?.flag, (step, detail, ok) => this.timeline.add(step, detail, ok));
  }

  private savePost(phase: PostState['phase'], plan: CanaryPlan | undefined): void {
    const state: PostState = {
      phase,
      router: routerConfig(this.inputs),
      stableReplicas: plan?.stableReplicas ?? 1,
      kubeconfig: this.inputs.kubeconfig,
      context: this.inputs.context,
    };
    saveState(STATE_KEY, state);
  }

  private async webhook(
    kind: WebhookKind,
    extra: { step?: number; weight?: number; reason?: string },
  ): Promise<{ ok: boolean; detail: string }> {
    const url = this.inputs.webhooks[kind];
    if (!url) return { ok: true, detail: '' };
    const result = await callWebhook(url, {
      name: this.inputs.deployment,
      namespace: this.inputs.namespace,
      phase: kind,
      images: Object.fromEntries(this.inputs.images.map((i) => [i.container, i.image])),
      ...extra,
    });
    this.timeline.add('webhook', result.detail, result.ok);
    return result;
  }

  /** `run`: every step, then promotion; or a rollback / pause on the way. */
  async run(): Promise<Outcome> {
    const stable = await this.store.stable();
    const service = await this.store.service(this.inputs.service);
    const found = await this.store.read();
    const images = Object.fromEntries(this.inputs.images.map((i) => [i.container, i.image]));
    const start = decideStart(found.state, { images, steps: this.inputs.steps, router: this.inputs.router });
    this.timeline.add('plan', start.why);
    let state: CanaryState;
    let fromStep = 1;
    if ((start.kind === 'resume' || start.kind === 'promote') && found.state) {
      state = found.state;
      fromStep = start.kind === 'resume' ? start.fromStep : state.plan.steps.length + 1;
    } else {
      if (start.kind === 'replace' && found.state) {
        this.savePost('progressing', found.state.plan);
        await this.router.toStable(found.state.plan);
        await this.flagOf(found.state.plan).restore();
        await this.store.setProgress({
          ...found.state.progress,
          phase: 'rolled-back',
          weight: 0,
          updatedAt: new Date().toISOString(),
          reason: 'replaced by a canary of other images/steps',
        });
      }
      // A canary at 100 % under the replicas router leaves the stable at zero; its replica count is in the old plan.
      const stableReplicas =
        (stable.spec.replicas ?? 0) > 0 ? (stable.spec.replicas ?? 1) : (found.state?.plan.stableReplicas ?? 1);
      const problems = checkRouterPlan(this.inputs.router, this.inputs.steps, stableReplicas);
      if (problems.length > 0) throw new UserError(`steps: ${problems.join('; ')}`);
      // Read and checked before the first change; its text now is what a rollback writes back.
      const flag = this.inputs.flag ? (await FlagMover.capture(this.kubectl, this.inputs.flag)).snapshot : undefined;
      const plan: CanaryPlan = {
        router: this.inputs.router,
        steps: [...this.inputs.steps],
        images,
        stableImages: imagesOf(stable),
        stableReplicas,
        startedAt: new Date().toISOString(),
        runId: process.env['GITHUB_RUN_ID'] ?? '',
        restore: await this.router.prepare(),
        ...(flag ? { flag } : {}),
      };
      state = { plan, progress: { phase: 'progressing', step: 0, weight: 0, updatedAt: new Date().toISOString() } };
      const how = await this.store.install(
        stable,
        this.inputs.router,
        service.spec.selector ?? {},
        this.inputs.images,
        state,
      );
      this.timeline.add(
        'canary',
        `${how} deployment/${this.store.name} (${Object.entries(images)
          .map(([c, i]) => `${c}=${i}`)
          .join(', ')}); plan ${plan.steps.join('% → ')}% via ${plan.router}`,
      );
    }
    const plan = state.plan;
    this.plan = plan;
    const flag = this.flagOf(plan);
    this.savePost('progressing', plan);
    if (fromStep <= plan.steps.length) {
      await this.router.ensureCanaryService();
      await this.router.ensureCanaryPods(plan);
    }
    for (let index = fromStep; index <= plan.steps.length; index++) {
      const weight = plan.steps[index - 1] ?? 100;
      const record: StepRecord = { index, weight, expressed: '', startedAt: Date.now() };
      this.steps.push(record);
      const gate = await this.webhook('pre-step', { step: index, weight });
      if (!gate.ok) {
        record.verdict = 'Failed';
        record.reason = gate.detail;
        record.finishedAt = Date.now();
        return this.rollback(plan, index, `step ${index}: ${gate.detail}`);
      }
      await this.store.setProgress({ phase: 'progressing', step: index, weight, updatedAt: new Date().toISOString() });
      record.expressed = await this.router.setWeight(weight, plan);
      await flag.setWeight(weight);
      record.appliedAt = Date.now();
      this.firstTrafficAt ??= record.appliedAt;
      this.timeline.add(
        `step ${index}/${plan.steps.length}`,
        `${weight}% on the canary: ${record.expressed}; pausing ${formatDuration(this.inputs.pauseMs)}, then analysing`,
      );
      const verdict = await this.analyser.analyse(index, record.appliedAt, this.inputs.pauseMs);
      Object.assign(record, {
        verdict: verdict.verdict,
        reason: verdict.reason,
        analysis: verdict.analysis,
        finishedAt: Date.now(),
        ...(verdict.judge ? { judge: verdict.judge } : {}),
      });
      this.timeline.add(
        `step ${index}/${plan.steps.length} analysis`,
        `${verdict.verdict}: ${verdict.reason}`,
        verdict.verdict === 'Successful',
      );
      if (verdict.verdict === 'Failed')
        return this.rollback(plan, index, `step ${index} (${weight}%): ${verdict.reason}`);
      if (verdict.verdict === 'Inconclusive')
        return this.inconclusive(plan, index, weight, `step ${index} (${weight}%) inconclusive: ${verdict.reason}`);
    }
    const confirm = await this.webhook('confirm-promotion', { step: plan.steps.length, weight: 100 });
    if (!confirm.ok)
      return this.inconclusive(plan, plan.steps.length, 100, `promotion not confirmed: ${confirm.detail}`);
    return this.promote(plan);
  }

  /** `promote`: skips the steps left and promotes the canary that is there. */
  async promoteNow(): Promise<Outcome> {
    const found = await this.store.read();
    if (!found.state)
      throw new UserError(
        `no canary to promote: deployment/${this.store.name} ${found.object ? 'carries no canary state' : 'does not exist'}`,
      );
    if (found.state.progress.phase === 'rolled-back' || found.state.progress.phase === 'aborted') {
      throw new UserError(
        `the canary ended ${found.state.progress.phase}${found.state.progress.reason ? ` (${found.state.progress.reason})` : ''}; run it again instead of promoting it`,
      );
    }
    this.plan = found.state.plan;
    this.timeline.add(
      'plan',
      `promoting by request from ${found.state.progress.phase} at step ${found.state.progress.step}`,
    );
    this.savePost('progressing', found.state.plan);
    return this.promote(found.state.plan);
  }

  /** `abort`: all traffic to the stable from whatever state; the canary is kept at zero pods. */
  async abort(): Promise<Outcome> {
    const found = await this.store.read();
    if (!found.object) {
      this.timeline.add('abort', `no deployment/${this.store.name}: nothing to abort`);
      return { status: 'aborted', reason: 'no canary to abort', finalWeight: 0, failed: false };
    }
    const plan = found.state?.plan;
    this.savePost('progressing', plan);
    await this.router.toStable(plan);
    // A canary that ended (rolled back, aborted) gave its flag back then; the flag may have been changed on purpose since.
    const ended = found.state?.progress.phase === 'rolled-back' || found.state?.progress.phase === 'aborted';
    if (!ended) await this.flagOf(plan).restore();
    const progress: Progress = {
      phase: 'aborted',
      step: found.state?.progress.step ?? 0,
      weight: 0,
      updatedAt: new Date().toISOString(),
      reason: `aborted from ${found.state?.progress.phase ?? 'an unknown state'}`,
    };
    if (found.state) await this.store.setProgress(progress);
    this.plan = plan;
    this.savePost('done', plan);
    this.timeline.add('abort', `${progress.reason ?? 'aborted'}: all traffic on ${this.inputs.deployment}`);
    return { status: 'aborted', reason: progress.reason ?? 'aborted', finalWeight: 0, failed: false };
  }

  private async detection(failedStep: number, steps: number): Promise<Detection> {
    const now = Date.now();
    const step = this.steps.find((s) => s.index === failedStep);
    const detection: Detection = {
      failedStep,
      steps,
      secondsSinceFirstTraffic: this.firstTrafficAt === undefined ? 0 : (now - this.firstTrafficAt) / 1000,
      secondsIntoStep: step?.appliedAt === undefined ? 0 : (now - step.appliedAt) / 1000,
      analysisInterval: intervalText(this.inputs.analysis),
    };
    // The canary's own request counter over its life: how much traffic the bad version served.
    const served = await this.canaryRequestsSinceFirstTraffic('');
    if (served !== undefined) detection.canaryRequests = served;
    return detection;
  }

  /** 5xx answers of the canary since its first traffic (for the Pushgateway); undefined when unknown. */
  async badRequests(): Promise<number | undefined> {
    return this.canaryRequestsSinceFirstTraffic(',code=~"5.."');
  }

  /** The canary's requests (of the given extra selector) since its first traffic, from Prometheus; undefined when unknown. */
  private async canaryRequestsSinceFirstTraffic(selector: string): Promise<number | undefined> {
    if (this.firstTrafficAt === undefined || !this.inputs.prometheusUrl) return undefined;
    const range = `${Math.max(1, Math.ceil((Date.now() - this.firstTrafficAt) / 1000) + 5)}s`;
    const ns = escapePromQlString(this.inputs.namespace || this.kubectl.namespace || 'default');
    const query = `sum(increase(http_requests_total{namespace="${ns}",service="${escapePromQlString(canaryName(this.inputs.deployment))}"${selector}}[${range}]))`;
    try {
      const client = new PrometheusClient({
        address: this.inputs.prometheusUrl,
        timeoutMs: 5_000,
        attempts: 1,
        ...(this.inputs.prometheusToken ? { bearerToken: this.inputs.prometheusToken } : {}),
      });
      const result = await client.instant(query, {});
      const value =
        result.resultType === 'vector' || result.resultType === 'scalar' ? result.samples[0]?.value : undefined;
      // No 5xx series at all is an empty answer: nothing bad was served.
      if (value === undefined && result.resultType === 'vector' && selector) return 0;
      return value !== undefined && Number.isFinite(value) ? value : undefined;
    } catch {
      // Prometheus may be the reason for the rollback; the rest of the report still stands.
      return undefined;
    }
  }

  private async rollback(plan: CanaryPlan, failedStep: number, reason: string): Promise<Outcome> {
    await this.router.toStable(plan);
    await this.flagOf(plan).restore();
    const detection = await this.detection(failedStep, plan.steps.length);
    await this.store.setProgress({
      phase: 'rolled-back',
      step: failedStep,
      weight: 0,
      failedStep,
      reason,
      updatedAt: new Date().toISOString(),
    });
    this.savePost('done', plan);
    this.timeline.add('rollback', `rolled back at step ${failedStep}: ${reason}`, false);
    await this.webhook('rollback', { step: failedStep, weight: 0, reason });
    return { status: 'rolled-back', reason, finalWeight: 0, failedStep, detection, failed: true };
  }

  private async inconclusive(plan: CanaryPlan, step: number, weight: number, reason: string): Promise<Outcome> {
    if (this.inputs.inconclusive === 'rollback') return this.rollback(plan, step, `${reason} (inconclusive: rollback)`);
    await this.store.setProgress({ phase: 'paused', step, weight, reason, updatedAt: new Date().toISOString() });
    // Paused on purpose: the post step must leave this split alone.
    this.savePost('done', plan);
    const next = 're-run to analyse this step again, or run action promote / abort';
    this.timeline.add('paused', `${reason}; the canary stays at ${weight}% (${next})`, false);
    return {
      status: 'paused',
      reason: `${reason}; paused at ${weight}%: ${next}`,
      finalWeight: weight,
      failedStep: step,
      failed: this.inputs.inconclusive === 'fail',
    };
  }

  /** The stable takes the canary's images and rolls out; then the routes are restored and the canary removed. */
  private async promote(plan: CanaryPlan): Promise<Outcome> {
    await this.store.setProgress({
      phase: 'promoting',
      step: plan.steps.length,
      weight: 100,
      updatedAt: new Date().toISOString(),
    });
    const result = await updateObject<Deployment>(
      this.kubectl,
      'deployment',
      this.inputs.deployment,
      (d) => {
        for (const c of d.spec.template.spec.containers) {
          const image = plan.images[c.name];
          if (image) c.image = image;
        }
        d.spec.replicas = Math.max(1, plan.stableReplicas);
        return d;
      },
      { conflictRetries: 5 },
    );
    this.timeline.add(
      'promote',
      `${this.inputs.deployment} ${result.changed ? 'takes' : 'already runs'} ${Object.entries(plan.images)
        .map(([c, i]) => `${c}=${i}`)
        .join(', ')} (${plan.stableReplicas} replicas)`,
    );
    const status = await waitForRollout(this.kubectl, this.inputs.deployment, {
      timeoutMs: this.inputs.rolloutTimeoutMs,
      pollMs: 500,
    });
    this.timeline.add('rollout', `${this.inputs.deployment}: ${status.message}`);
    await this.router.restoreRoutes(plan);
    await this.flagOf(plan).promote();
    await this.store.remove();
    this.savePost('done', plan);
    this.timeline.add(
      'promoted',
      `deployment/${this.store.name} removed; ${this.inputs.deployment} serves all traffic with the new images`,
    );
    return {
      status: 'promoted',
      reason: `every step passed (${plan.steps.join('% → ')}%)`,
      finalWeight: 100,
      failed: false,
    };
  }
}

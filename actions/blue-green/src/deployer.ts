import { info, UserError } from '@spikeformer-actions/core';
import { AlertmanagerClient, watchAlerts } from '@spikeformer-actions/delivery/alerts';
import {
  type AnalysisResult,
  type AnalysisSpec,
  combineVerdicts,
  escapePromQlString,
  measurementLine,
  PrometheusClient,
  runAnalysis,
} from '@spikeformer-actions/delivery/analysis';
import {
  type Deployment,
  type Kubectl,
  KubectlError,
  type Pod,
  podReady,
  type Service,
  updateObject,
  waitForReadyEndpoints,
  waitForRollout,
} from '@spikeformer-actions/delivery/kube';
import { type ImageChange, sleep, type Timeline } from '@spikeformer-actions/delivery/rollout';
import { type Color, colorDeployment, idleDeployment, imagesOf, labelSelector, selectorFor } from './colors.js';
import { failureRatio, type ProbeResult, probeCommand, probeUrl } from './health.js';
import type { Inputs } from './inputs.js';
import { ANNOTATIONS, readServiceState, type ServiceState, type Step, withState } from './state.js';

export interface Active {
  service: Service;
  state: ServiceState;
}

/** The Kubernetes and Prometheus side of a blue-green deployment, one verified step at a time. */
export class Deployer {
  readonly analyses: Array<{ phase: string; result: AnalysisResult }> = [];
  readonly probes: ProbeResult[] = [];

  constructor(
    private readonly kubectl: Kubectl,
    private readonly inputs: Inputs,
    private readonly timeline: Timeline,
  ) {}

  async readActive(): Promise<Active> {
    const service = await this.kubectl.mustGet<Service>('service', this.inputs.service);
    const state = readServiceState(service);
    if (!state.ok) throw new UserError(state.problem);
    return { service, state: state.value };
  }

  deploymentName(color: Color): string {
    return colorDeployment(this.inputs.deployment, color);
  }

  async getDeployment(color: Color): Promise<Deployment | undefined> {
    return this.kubectl.get<Deployment>('deployment', this.deploymentName(color));
  }

  /**
   * Makes the idle colour run the new version: from the user's manifest, else from the idle
   * Deployment (new images), else a copy of the active one. Replicas follow the active colour.
   */
  async deployIdle(active: Active, idle: Color, manifest: Deployment | undefined): Promise<Deployment> {
    const activeDeployment = await this.getDeployment(active.state.active);
    const replicas = Math.max(1, activeDeployment?.spec.replicas ?? manifest?.spec.replicas ?? 1);
    const existing = await this.getDeployment(idle);
    const changes: ImageChange[] = this.inputs.images;
    const name = this.deploymentName(idle);
    if (manifest) {
      const wanted = idleDeployment(manifest, this.inputs.deployment, idle, [], replicas);
      const [applied] = await this.kubectl.apply([wanted]);
      this.timeline.add(
        'deploy',
        `applied ${name} from the manifest (${describeImages(imagesOf(wanted))}, ${replicas} replicas)`,
      );
      return applied as Deployment;
    }
    if (existing) {
      const result = await updateObject<Deployment>(
        this.kubectl,
        'deployment',
        name,
        (d) => {
          const next = idleDeployment(d, this.inputs.deployment, idle, changes, replicas);
          d.spec.template = next.spec.template;
          d.spec.replicas = replicas;
          return d;
        },
        { conflictRetries: 3 },
      );
      this.timeline.add(
        'deploy',
        `${result.changed ? 'updated' : 'kept'} ${name} (${describeImages(imagesOf(result.object))}, ${replicas} replicas)`,
      );
      return result.object;
    }
    if (!activeDeployment)
      throw new UserError(
        `neither ${name} nor the active ${this.deploymentName(active.state.active)} exists: create the active colour's Deployment first, or give manifests`,
      );
    let wanted: Deployment;
    try {
      wanted = idleDeployment(activeDeployment, this.inputs.deployment, idle, changes, replicas);
    } catch (error) {
      throw new UserError(error instanceof Error ? error.message : String(error));
    }
    const created = await this.kubectl.create(wanted);
    this.timeline.add(
      'deploy',
      `created ${name} from ${this.deploymentName(active.state.active)} (${describeImages(imagesOf(created))}, ${replicas} replicas)`,
    );
    return created;
  }

  async waitReady(color: Color, selectorBase: Record<string, string>): Promise<string[]> {
    const name = this.deploymentName(color);
    const status = await waitForRollout(this.kubectl, name, { timeoutMs: this.inputs.rolloutTimeoutMs, pollMs: 500 });
    this.timeline.add('rollout', `${name}: ${status.message}`);
    const addresses = await waitForReadyEndpoints(
      this.kubectl,
      { selector: labelSelector(selectorFor(selectorBase, color)) },
      { timeoutMs: this.inputs.rolloutTimeoutMs, pollMs: 500 },
    );
    return addresses;
  }

  /** Points the preview Service at `color` and waits until it serves only that colour's ready pods. */
  async pointPreview(color: Color, selectorBase: Record<string, string>): Promise<void> {
    if (!this.inputs.previewService) return;
    const selector = selectorFor(selectorBase, color);
    await updateObject<Service>(
      this.kubectl,
      'service',
      this.inputs.previewService,
      (s) => {
        s.spec.selector = selector;
        return s;
      },
      { conflictRetries: 3 },
    );
    const ready = await waitForReadyEndpoints(
      this.kubectl,
      { service: this.inputs.previewService, pods: labelSelector(selector) },
      { timeoutMs: this.inputs.rolloutTimeoutMs, pollMs: 500 },
    );
    this.timeline.add(
      'preview',
      `service/${this.inputs.previewService} → ${color} (${ready.length} ready endpoint(s))`,
    );
  }

  /** Health probes through the preview; every one must pass. */
  async healthCheck(color: Color): Promise<boolean> {
    const results: ProbeResult[] = [];
    for (let i = 0; i < this.inputs.healthChecks; i++) {
      if (this.inputs.healthUrl) results.push(await probeUrl(this.inputs.healthUrl));
      if (this.inputs.healthCommand.length) {
        results.push(
          await probeCommand(this.inputs.healthCommand, {
            PREVIEW_COLOR: color,
            PREVIEW_SERVICE: this.inputs.previewService,
            NAMESPACE: this.inputs.namespace,
          }),
        );
      }
      if (i + 1 < this.inputs.healthChecks) await sleep(500);
    }
    this.probes.push(...results);
    if (results.length === 0) return true;
    const failed = results.filter((r) => !r.ok);
    this.timeline.add(
      'health',
      failed.length === 0
        ? `${results.length}/${results.length} probes healthy`
        : `${failed.length}/${results.length} probes failed: ${failed[0]?.detail ?? ''}`,
      failed.length === 0,
    );
    return failed.length === 0;
  }

  async analyse(
    phase: string,
    spec: AnalysisSpec,
    vars: { service: string; canary: string; stable: string },
    signal?: AbortSignal,
  ): Promise<AnalysisResult | undefined> {
    if (!this.inputs.prometheusUrl || spec.metrics.length === 0) return undefined;
    const client = new PrometheusClient({
      address: this.inputs.prometheusUrl,
      ...(this.inputs.prometheusToken ? { bearerToken: this.inputs.prometheusToken } : {}),
    });
    const result = await runAnalysis(spec, {
      vars: { namespace: this.inputs.namespace || 'default', ...vars },
      source: client,
      ...(signal ? { signal } : {}),
    });
    this.analyses.push({ phase, result });
    this.timeline.add(`${phase} analysis`, `${result.verdict}: ${result.reason}`, result.verdict === 'Successful');
    return result;
  }

  /**
   * Switches the active Service to `color` in one preconditioned replace (selector and state
   * annotations together), only after that colour's pods are ready. A concurrent change of the
   * Service since `read` fails with a conflict instead of being overwritten.
   */
  async switchTo(
    read: Service,
    color: Color,
    step: Step,
    state: Omit<Parameters<typeof withState>[2], 'active' | 'step'>,
  ): Promise<Service> {
    const selector = selectorFor(read.spec.selector ?? {}, color);
    if (Object.keys(selector).length === 0)
      throw new UserError(`refusing to give service/${this.inputs.service} an empty selector`);
    const pods = await this.kubectl.list<Pod>('pods', { labelSelector: labelSelector(selector) });
    const ready = pods.items.filter(podReady).length;
    if (ready === 0)
      throw new UserError(
        `not switching service/${this.inputs.service} to ${color}: no ready pod matches ${labelSelector(selector)}`,
      );
    const next = withState(read, selector, { ...state, active: color, step }, new Date());
    try {
      const written = await this.kubectl.replace(next);
      this.timeline.add('switch', `service/${this.inputs.service} → ${color} (${ready} ready pod(s); step ${step})`);
      return written;
    } catch (error) {
      if (error instanceof KubectlError && error.kind === 'conflict') {
        throw new UserError(
          `service/${this.inputs.service} was changed by someone else since it was read (resourceVersion ${read.metadata.resourceVersion ?? '?'}); not overwriting it: ${error.message}`,
        );
      }
      throw error;
    }
  }

  /** After a switch: wait until the active Service's endpoints are only the new colour's pods. */
  async waitActiveOnly(color: Color, selectorBase: Record<string, string>): Promise<void> {
    const ready = await waitForReadyEndpoints(
      this.kubectl,
      { service: this.inputs.service, pods: labelSelector(selectorFor(selectorBase, color)) },
      { timeoutMs: this.inputs.rolloutTimeoutMs, pollMs: 250 },
    );
    this.timeline.add('endpoints', `service/${this.inputs.service} serves only ${color} (${ready.length} endpoint(s))`);
  }

  /**
   * Records a verified step on the Service: its current selector becomes the one to restore.
   * Preconditioned; a conflict re-reads and re-applies (only annotations change).
   */
  async markVerified(step: Step): Promise<void> {
    await updateObject<Service>(
      this.kubectl,
      'service',
      this.inputs.service,
      (s) => {
        const annotations = s.metadata.annotations ?? {};
        s.metadata.annotations = {
          ...annotations,
          [ANNOTATIONS.step]: step,
          [ANNOTATIONS.verifiedSelector]: JSON.stringify(s.spec.selector ?? {}),
          [ANNOTATIONS.updatedAt]: new Date().toISOString(),
        };
        return s;
      },
      { conflictRetries: 3 },
    );
  }

  async scale(color: Color, replicas: number): Promise<void> {
    const name = this.deploymentName(color);
    if (!(await this.getDeployment(color))) return;
    await this.kubectl.scale('deployment', name, replicas);
    this.timeline.add('scale', `${name} → ${replicas} replica(s)`);
  }

  /**
   * Asks Alertmanager for the alert matchers until `over` aborts; a matching firing alert aborts
   * `firing` at once. The result is recorded as the analysis phase `alerts`, its verdict through
   * the analysis' on-error when Alertmanager cannot be reached. True when no alert stops the switch.
   */
  async watchAlerts(intervalMs: number, over: AbortSignal, firing: AbortController): Promise<boolean> {
    if (!this.inputs.alertmanagerUrl || this.inputs.alertMatchers.length === 0) return true;
    const startedAt = Date.now();
    const metric = await watchAlerts({
      matchers: this.inputs.alertMatchers,
      source: new AlertmanagerClient({ address: this.inputs.alertmanagerUrl, timeoutMs: 10_000 }),
      intervalMs,
      signal: over,
      onFiring: () => firing.abort(),
      onMeasurement: (m) => info(`  monitor: ${measurementLine('alerts', m)}`),
    });
    const combined = combineVerdicts(this.inputs.analysis, [metric]);
    const result: AnalysisResult = {
      verdict: combined.verdict,
      reason:
        metric.verdict === 'Failed'
          ? metric.reason
          : metric.verdict === 'Error'
            ? `${combined.reason} (${metric.reason})`
            : metric.reason,
      metrics: [metric],
      startedAt,
      finishedAt: Date.now(),
    };
    this.analyses.push({ phase: 'alerts', result });
    this.timeline.add('alerts', `${result.verdict}: ${result.reason}`, result.verdict === 'Successful');
    return result.verdict === 'Successful';
  }

  /** 5xx answers of a colour since a time, from Prometheus (for the Pushgateway); undefined when unknown. */
  async badRequestsSince(color: Color, sinceMs: number): Promise<number | undefined> {
    if (!this.inputs.prometheusUrl) return undefined;
    const range = `${Math.max(1, Math.ceil((Date.now() - sinceMs) / 1000) + 5)}s`;
    const ns = escapePromQlString(this.inputs.namespace || 'default');
    const query = `sum(increase(http_requests_total{namespace="${ns}",service="${escapePromQlString(this.deploymentName(color))}",code=~"5.."}[${range}]))`;
    try {
      const client = new PrometheusClient({
        address: this.inputs.prometheusUrl,
        timeoutMs: 5_000,
        attempts: 1,
        ...(this.inputs.prometheusToken ? { bearerToken: this.inputs.prometheusToken } : {}),
      });
      const result = await client.instant(query, {});
      if (result.resultType !== 'vector' && result.resultType !== 'scalar') return undefined;
      const value = result.samples[0]?.value ?? 0;
      return Number.isFinite(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Health probes spread over the monitoring window; fails when more than half fail. Stops early (not judged) on `signal`. */
  async monitorHealth(durationMs: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.inputs.healthUrl) return true;
    const results: ProbeResult[] = [];
    const end = Date.now() + durationMs;
    const every = Math.max(1000, Math.min(10_000, durationMs / 10));
    do {
      results.push(await probeUrl(this.inputs.healthUrl));
      if (Date.now() + every > end || signal?.aborted) break;
      await sleep(every, signal);
    } while (Date.now() < end && !signal?.aborted);
    this.probes.push(...results);
    const ratio = failureRatio(results);
    const ok = ratio <= 0.5;
    this.timeline.add(
      'monitor health',
      `${Math.round(ratio * 100)}% of ${results.length} probes failed (limit 50%)`,
      ok,
    );
    return ok;
  }
}

export function describeImages(images: Record<string, string>): string {
  return Object.entries(images)
    .map(([c, i]) => `${c}=${i}`)
    .join(', ');
}

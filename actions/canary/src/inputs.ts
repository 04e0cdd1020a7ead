import { InputError, inputs, isRecord } from '@spikeformer-actions/core';
import { defaultAnalysis, parseAnalysis, problemsText } from '@spikeformer-actions/delivery/analysis';
import type { AnalysisSpec, NoDataPolicy } from '@spikeformer-actions/delivery/analysis';
import { checkPlan, parseSteps, ROUTERS, type RouterKind } from './plan.js';
import {
  type AlertInputs,
  checkEnvironmentName,
  checkGitHubToken,
  checkHttpUrl,
  checkNamespace,
  checkObjectName,
  checkOneLine,
  checkServiceName,
  type ImageChange,
  isDeploymentBase,
  parseImagePairs,
  readAlertInputs,
  readKubeconfigInput,
  readOutputFileInput,
} from '@spikeformer-actions/delivery/rollout';
import { parseWebhooks, type Webhooks } from './webhooks.js';
import { type FlagTarget, readFlagInputs } from '@spikeformer-actions/delivery/flags';

export const ACTIONS = ['run', 'promote', 'abort'] as const;
export type Mode = (typeof ACTIONS)[number];
export const INCONCLUSIVE = ['rollback', 'fail', 'pause'] as const;
export type InconclusivePolicy = (typeof INCONCLUSIVE)[number];
export const JUDGES = ['threshold', 'mann-whitney'] as const;
export type Judge = (typeof JUDGES)[number];
const NO_DATA = ['fail', 'inconclusive', 'pass'] as const;

export interface Inputs extends AlertInputs {
  action: Mode;
  namespace: string;
  deployment: string;
  images: ImageChange[];
  router: RouterKind;
  service: string;
  ingress: string;
  httpRoute: string;
  trafficSplit: string;
  steps: number[];
  pauseMs: number;
  prometheusUrl: string;
  prometheusToken: string;
  analysis: AnalysisSpec;
  onNoData: NoDataPolicy;
  inconclusive: InconclusivePolicy;
  judge: Judge;
  webhooks: Webhooks;
  rolloutTimeoutMs: number;
  kubeconfig: string;
  context: string;
  /** The analysis file, resolved inside the workspace. */
  analysisFile: string;
  /** The flagd flag that follows the weights (flag-configmap, flag-key, flag-variants). */
  flag: FlagTarget | undefined;
  /** The github-token input: a GitHub Deployment records the run when it is not empty. */
  githubToken: string;
  environment: string;
}

/**
 * The analysis of every step: the CI/CD design's triggers (error rate > 5 %, p99 > 2× stable,
 * health-check failures > 50 %) with the user's YAML merged over them by metric name, and
 * `on-no-data` as every metric's default unless the YAML says otherwise.
 */
export function analysisSpec(
  raw: unknown,
  onNoData: NoDataPolicy,
): { ok: true; value: AnalysisSpec } | { ok: false; problem: string } {
  const top: Record<string, unknown> =
    raw === undefined || raw === null
      ? {}
      : Array.isArray(raw)
        ? { metrics: raw }
        : isRecord(raw)
          ? { ...raw }
          : { invalid: raw };
  if ('invalid' in top) return { ok: false, problem: 'expected a map with metrics, or a list of metrics' };
  const defaults = isRecord(top['metric-defaults'])
    ? { ...top['metric-defaults'] }
    : top['metric-defaults'] === undefined
      ? {}
      : undefined;
  if (defaults && defaults['on-no-data'] === undefined)
    top['metric-defaults'] = { ...defaults, 'on-no-data': onNoData };
  const parsed = parseAnalysis(top, defaultAnalysis({ onNoData }));
  return parsed.ok ? parsed : { ok: false, problem: problemsText(parsed.problems) };
}

/**
 * The only place that reads this action's inputs. Every one is checked here, paths and URLs
 * included, before the cluster is touched; secrets (token, URL credentials, kubeconfig) are
 * masked first.
 */
export function readInputs(): Inputs {
  const kubeconfig = readKubeconfigInput('kubeconfig');
  const prometheusToken = inputs.getSecret('prometheus-token');
  const githubToken = inputs.getSecret('github-token');
  const prometheusUrl = checkHttpUrl('prometheus-url', inputs.getString('prometheus-url'));
  const onNoData = inputs.getEnum('on-no-data', NO_DATA, 'inconclusive');
  const result: Inputs = {
    action: inputs.getEnum('action', ACTIONS, 'run'),
    namespace: inputs.getString('namespace'),
    deployment: inputs.getRequired('deployment'),
    images: inputs.unwrap('image', parseImagePairs(inputs.getList('image'))),
    router: inputs.getEnum('router', ROUTERS, 'replicas'),
    service: inputs.getRequired('service'),
    ingress: inputs.getString('ingress'),
    httpRoute: inputs.getString('http-route'),
    trafficSplit: inputs.getString('traffic-split'),
    steps: inputs.unwrap(
      'steps',
      parseSteps(inputs.getList('steps').length ? inputs.getList('steps') : ['10', '50', '100']),
    ),
    pauseMs: inputs.getDuration('pause', 60_000, { min: 0 }),
    prometheusUrl,
    prometheusToken,
    analysis: inputs.unwrap('analysis', analysisSpec(inputs.getObject('analysis'), onNoData)),
    onNoData,
    inconclusive: inputs.getEnum('inconclusive', INCONCLUSIVE, 'rollback'),
    judge: inputs.getEnum('judge', JUDGES, 'threshold'),
    webhooks: inputs.unwrap('webhooks', parseWebhooks(inputs.getObject('webhooks'))),
    rolloutTimeoutMs: inputs.getDuration('rollout-timeout', 300_000, { min: 1000 }),
    kubeconfig,
    context: inputs.getString('context'),
    analysisFile: readOutputFileInput('analysis-file', 'canary-analysis.json'),
    flag: readFlagInputs(),
    githubToken,
    environment: inputs.getString('environment', 'production'),
    ...readAlertInputs(),
  };
  validate(result);
  return result;
}

/** Cross-input rules, all checked before the cluster is touched. */
export function validate(i: Inputs): void {
  if (!isDeploymentBase(i.deployment, '-canary')) {
    throw new InputError(
      'deployment',
      `${JSON.stringify(i.deployment)} is not a valid name (lower-case DNS label of at most 56 characters, so -canary fits)`,
    );
  }
  checkServiceName('service', i.service, '-canary');
  checkNamespace('namespace', i.namespace);
  checkObjectName('ingress', i.ingress, '-canary');
  checkObjectName('http-route', i.httpRoute);
  checkObjectName('traffic-split', i.trafficSplit);
  checkOneLine('context', i.context);
  checkEnvironmentName('environment', i.environment);
  checkGitHubToken('github-token', i.githubToken);
  if (i.action === 'run' && i.images.length === 0)
    throw new InputError('image', 'action run needs image (container=image)');
  const problems = checkPlan(i.steps);
  if (problems.length > 0) throw new InputError('steps', problemsText(problems));
  if (i.router === 'nginx-ingress' && !i.ingress)
    throw new InputError('ingress', 'router nginx-ingress needs the stable Ingress name');
  if (i.router === 'gateway-api' && !i.httpRoute)
    throw new InputError('http-route', 'router gateway-api needs the HTTPRoute name');
  if (i.router === 'smi' && !i.trafficSplit)
    throw new InputError('traffic-split', 'router smi needs the TrafficSplit name');
  if (i.action === 'run' && !i.prometheusUrl)
    throw new InputError('prometheus-url', 'action run analyses every step and needs a Prometheus');
}

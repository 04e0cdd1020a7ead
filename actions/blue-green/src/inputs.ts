import { type FlagTarget, readFlagInputs } from '@spikeformer-actions/delivery/flags';
import { InputError, inputs } from '@spikeformer-actions/core';
import { defaultAnalysis, parseAnalysis, problemsText } from '@spikeformer-actions/delivery/analysis';
import type { AnalysisSpec } from '@spikeformer-actions/delivery/analysis';
import type { Deployment } from '@spikeformer-actions/delivery/kube';
import {
  type AlertInputs,
  checkEnvironmentName,
  checkGitHubToken,
  checkHttpUrl,
  checkNamespace,
  checkOneLine,
  checkServiceName,
  type ImageChange,
  isDeploymentBase,
  parseImagePairs,
  readAlertInputs,
  readKubeconfigInput,
  readOutputFileInput,
} from '@spikeformer-actions/delivery/rollout';
import { splitCommand } from './health.js';
import { readManifestDeployment } from './manifest.js';

export const ACTIONS = ['deploy', 'switch', 'rollback', 'cleanup', 'full'] as const;
export type Mode = (typeof ACTIONS)[number];

export interface Inputs extends AlertInputs {
  action: Mode;
  namespace: string;
  service: string;
  previewService: string;
  deployment: string;
  images: ImageChange[];
  manifests: string[];
  /** The Deployment the manifests describe, read and checked with the inputs. */
  manifest: Deployment | undefined;
  healthUrl: string;
  healthCommand: string[];
  healthChecks: number;
  prometheusUrl: string;
  prometheusToken: string;
  analysis: AnalysisSpec;
  /** Whether the user gave an analysis (the default one is only run with a Prometheus). */
  analysisGiven: boolean;
  preSwitchAnalysis: AnalysisSpec | undefined;
  monitorMs: number;
  scaleDownDelayMs: number;
  rolloutTimeoutMs: number;
  kubeconfig: string;
  context: string;
  /** The record file, resolved inside the workspace. */
  recordFile: string;
  /** The github-token input: a GitHub Deployment records the run when it is not empty. */
  githubToken: string;
  environment: string;
  /** The flagd flag that follows the switch (flag-configmap, flag-key, flag-variants). */
  flag: FlagTarget | undefined;
}

function analysisInput(name: string, withDefaults: boolean, monitorMs: number): AnalysisSpec | undefined {
  const raw = inputs.getObject(name);
  if (raw === undefined && !withDefaults) return undefined;
  // The default triggers, measured across the monitoring window.
  const count = Math.max(1, Math.min(10, Math.round(monitorMs / 30_000)));
  const base = withDefaults
    ? defaultAnalysis({ intervalMs: Math.max(1000, Math.floor(monitorMs / count)), count })
    : [];
  const parsed = parseAnalysis(raw, base);
  if (!parsed.ok) throw new InputError(name, problemsText(parsed.problems));
  return parsed.value;
}

/**
 * The only place that reads this action's inputs. Every one is checked here (paths, URLs and the
 * manifests' content included) before the cluster is touched; secrets (tokens, URL credentials,
 * kubeconfig) are masked first.
 */
export async function readInputs(): Promise<Inputs> {
  const kubeconfig = readKubeconfigInput('kubeconfig');
  const githubToken = inputs.getSecret('github-token');
  const prometheusToken = inputs.getSecret('prometheus-token');
  const prometheusUrl = checkHttpUrl('prometheus-url', inputs.getString('prometheus-url'));
  const healthUrl = checkHttpUrl('health-url', inputs.getString('health-url'));
  const monitorMs = inputs.getDuration('monitor-duration', 300_000, { min: 0 });
  const manifestsPatterns = inputs.getList('manifests', { commas: false });
  const manifests = manifestsPatterns.length ? await inputs.getFiles('manifests', { required: true }) : [];
  const result: Inputs = {
    action: inputs.getEnum('action', ACTIONS, 'full'),
    namespace: inputs.getString('namespace'),
    service: inputs.getRequired('service'),
    previewService: inputs.getString('preview-service'),
    deployment: inputs.getRequired('deployment'),
    images: inputs.unwrap('image', parseImagePairs(inputs.getList('image'))),
    manifests,
    manifest: undefined,
    healthUrl,
    healthCommand: inputs.unwrap('health-command', splitCommand(inputs.getString('health-command'))),
    healthChecks: inputs.getInteger('health-checks', 3, { min: 1, max: 100 }),
    prometheusUrl,
    prometheusToken,
    analysis: analysisInput('analysis', true, monitorMs) ?? { metrics: [], onError: 'fail' },
    analysisGiven: inputs.getObject('analysis') !== undefined,
    preSwitchAnalysis: analysisInput('pre-switch-analysis', false, monitorMs),
    monitorMs,
    scaleDownDelayMs: inputs.getDuration('scale-down-delay', 30_000, { min: 0 }),
    rolloutTimeoutMs: inputs.getDuration('rollout-timeout', 300_000, { min: 1000 }),
    kubeconfig,
    context: inputs.getString('context'),
    recordFile: readOutputFileInput('record-file', 'blue-green-record.json'),
    githubToken,
    environment: inputs.getString('environment', 'production'),
    flag: readFlagInputs(),
    ...readAlertInputs(),
  };
  validate(result);
  result.manifest = await readManifestDeployment(result.manifests);
  return result;
}

/** Cross-input rules. */
export function validate(i: Inputs): void {
  if (!isDeploymentBase(i.deployment, '-green')) {
    throw new InputError(
      'deployment',
      `${JSON.stringify(i.deployment)} is not a valid base name (lower-case DNS label of at most 57 characters, so -green fits)`,
    );
  }
  checkServiceName('service', i.service);
  checkServiceName('preview-service', i.previewService);
  checkNamespace('namespace', i.namespace);
  checkOneLine('context', i.context);
  checkEnvironmentName('environment', i.environment);
  checkGitHubToken('github-token', i.githubToken);
  const deploys = i.action === 'deploy' || i.action === 'full';
  if (deploys && i.images.length === 0 && i.manifests.length === 0)
    throw new InputError('image', `action ${i.action} needs image (container=image) or manifests`);
  if (i.images.length > 0 && i.manifests.length > 0)
    throw new InputError('manifests', 'give image or manifests, not both');
  if (i.preSwitchAnalysis && !i.prometheusUrl) throw new InputError('pre-switch-analysis', 'needs prometheus-url');
  if (i.analysisGiven && !i.prometheusUrl) throw new InputError('analysis', 'needs prometheus-url');
}

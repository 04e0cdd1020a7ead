import {
  errorMessage,
  HttpError,
  httpRequest,
  info,
  maskSecret,
  redact,
  redactUrl,
  safeInline,
  warning,
} from '@spikeformer-actions/core';

/**
 * Deployment metrics pushed to a Prometheus Pushgateway after a run, so dashboards and alerts
 * see every deployment: how long it took, how it ended, how far it got, and how many requests
 * the new version answered badly on the way.
 */

export interface DeploymentMetrics {
  /** Grouping key: job (the action) and instance (the deployment), plus namespace. */
  job: string;
  instance: string;
  namespace: string;
  durationSeconds: number;
  /** The action's status output (promoted, rolled-back, switched …) or `error`. */
  outcome: string;
  /** Every outcome the action knows, so the one that did not happen reads 0 (a stale 1 never lingers). */
  outcomes: readonly string[];
  succeeded: boolean;
  stepReached?: number;
  steps?: number;
  /** 5xx answers of the new version during the run (from Prometheus). */
  badRequests?: number;
  finishedAt: Date;
}

function labelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function gauge(lines: string[], name: string, help: string, samples: Array<[Record<string, string>, number]>): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
  for (const [labels, value] of samples) {
    const shown = Object.entries(labels)
      .map(([k, v]) => `${k}="${labelValue(v)}"`)
      .join(',');
    lines.push(`${name}${shown ? `{${shown}}` : ''} ${Number.isFinite(value) ? String(value) : 'NaN'}`);
  }
}

/** The metrics in Prometheus' text exposition format (what the Pushgateway takes). */
export function deploymentMetricsText(m: DeploymentMetrics): string {
  const lines: string[] = [];
  gauge(lines, 'spikeformer_deployment_duration_seconds', 'How long the deployment run took.', [
    [{}, Math.round(m.durationSeconds * 1000) / 1000],
  ]);
  const outcomes = [...new Set([...m.outcomes, m.outcome])];
  gauge(
    lines,
    'spikeformer_deployment_outcome',
    'The outcome of the last run: 1 for its status, 0 for the others.',
    outcomes.map((o) => [{ status: o }, o === m.outcome ? 1 : 0]),
  );
  gauge(lines, 'spikeformer_deployment_success', 'Whether the last run succeeded (1) or not (0).', [
    [{}, m.succeeded ? 1 : 0],
  ]);
  if (m.stepReached !== undefined)
    gauge(
      lines,
      'spikeformer_deployment_step_reached',
      'The last step the run reached (1-based; 0 before the first).',
      [[{}, m.stepReached]],
    );
  if (m.steps !== undefined) gauge(lines, 'spikeformer_deployment_steps', 'Steps in the plan.', [[{}, m.steps]]);
  if (m.badRequests !== undefined)
    gauge(lines, 'spikeformer_deployment_bad_requests', 'Requests the new version answered with 5xx during the run.', [
      [{}, Math.round(m.badRequests * 1000) / 1000],
    ]);
  gauge(lines, 'spikeformer_deployment_finished_timestamp_seconds', 'When the run ended (Unix seconds).', [
    [{}, Math.floor(m.finishedAt.getTime() / 1000)],
  ]);
  return `${lines.join('\n')}\n`;
}

/** A grouping-key segment: plain when URL-safe, else base64url as the Pushgateway reads `label@base64`. */
function segment(label: string, value: string): string {
  if (/^[A-Za-z0-9._~-]+$/.test(value)) return `${label}/${value}`;
  return `${label}@base64/${Buffer.from(value).toString('base64url') || '='}`;
}

/** The URL that group's metrics live at: PUT replaces them, GET /metrics shows them. */
export function pushUrl(base: string, m: Pick<DeploymentMetrics, 'job' | 'instance' | 'namespace'>): string {
  const url = new URL(base);
  url.username = '';
  url.password = '';
  const root = url.toString().replace(/\/+$/, '');
  return `${root}/metrics/${segment('job', m.job)}/${segment('namespace', m.namespace)}/${segment('instance', m.instance)}`;
}

/** PUT the metrics (replacing the group's previous ones); throws HttpError with a credential-free message. */
export async function pushDeploymentMetrics(base: string, m: DeploymentMetrics, timeoutMs = 10_000): Promise<void> {
  const url = new URL(base);
  const headers: Record<string, string> = { 'content-type': 'text/plain; version=0.0.4' };
  const secrets: string[] = [];
  if (url.username || url.password) {
    const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString(
      'base64',
    );
    headers['authorization'] = `Basic ${basic}`;
    secrets.push(basic, url.password, decodeURIComponent(url.password));
    maskSecret(basic);
  }
  const target = pushUrl(base, m);
  let response;
  try {
    response = await httpRequest(target, {
      method: 'PUT',
      headers,
      body: deploymentMetricsText(m),
      attempts: 3,
      connectTimeoutMs: timeoutMs,
      readTimeoutMs: timeoutMs,
      maxResponseBytes: 64 * 1024,
      secrets,
    });
  } catch (error) {
    if (error instanceof HttpError) throw new HttpError(redact(error.message, secrets), error.status, error.attempts);
    throw error;
  }
  if (response.status < 200 || response.status >= 300) {
    throw new HttpError(
      `PUT ${redactUrl(target)}: HTTP ${response.status}: ${redact(response.text().slice(0, 200), secrets).trim()}`,
      response.status,
      response.attempts,
    );
  }
}

/**
 * Pushes and says so; a Pushgateway that cannot take the metrics is a warning, never the job's
 * outcome (the deployment itself is done by then).
 */
export async function pushDeploymentMetricsOrWarn(base: string, m: DeploymentMetrics): Promise<boolean> {
  try {
    await pushDeploymentMetrics(base, m);
    info(`pushgateway: deployment metrics pushed to ${redactUrl(pushUrl(base, m))}`);
    return true;
  } catch (error) {
    warning(`pushgateway: the deployment metrics could not be pushed: ${safeInline(errorMessage(error), 500)}`);
    return false;
  }
}

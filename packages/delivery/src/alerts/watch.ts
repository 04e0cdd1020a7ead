import { clip } from '@spikeformer-actions/core';
import { realClock, type Clock } from '../analysis/run.js';
import type { Measurement, MetricResult } from '../analysis/types.js';
import type { FiringAlert } from './alertmanager-client.js';
import { type AlertMatcher, matchersText } from './matchers.js';

/** The metric name the alert check has in a step's analysis, its file and its summary. */
export const ALERTS_METRIC = 'alerts';

/** Where firing alerts come from: an AlertmanagerClient, or a test double. */
export interface AlertSource {
  firing(matchers: readonly AlertMatcher[], signal?: AbortSignal): Promise<FiringAlert[]>;
}

export interface AlertWatchOptions {
  matchers: readonly AlertMatcher[];
  source: AlertSource;
  /** Time between two checks. */
  intervalMs: number;
  /** Ends the watch (the step's analysis is over); the check under way is not counted. */
  signal: AbortSignal;
  /** Told once, when a matching alert fires: the step is decided and may stop at once. */
  onFiring?: (reason: string) => void;
  onMeasurement?: (m: Measurement) => void | Promise<void>;
  clock?: Clock;
}

/** `HighErrorRate (severity="critical", service="api")`: bounded and on one line; callers escape it for their output. */
export function alertText(alert: FiringAlert, matchers: readonly AlertMatcher[]): string {
  const shown = matchers
    .filter((m) => m.label !== 'alertname')
    .map((m) => `${m.label}=${JSON.stringify(clip(alert.labels[m.label] ?? '', 100))}`);
  const name = alert.name ? clip(alert.name, 100) : '(no alertname)';
  return shown.length > 0 ? `${name} (${shown.join(', ')})` : name;
}

function shownLabels(alert: FiringAlert, matchers: readonly AlertMatcher[]): Record<string, string> {
  const names = ['alertname', ...matchers.map((m) => m.label)];
  return Object.fromEntries(
    names.filter((n) => alert.labels[n] !== undefined).map((n) => [n, clip(alert.labels[n] ?? '', 100)]),
  );
}

function firingReason(alerts: readonly FiringAlert[], matchers: readonly AlertMatcher[]): string {
  const first = alerts.slice(0, 3).map((a) => alertText(a, matchers));
  const more = alerts.length > 3 ? ` and ${alerts.length - 3} more` : '';
  return `alert ${first.join(', ')}${more} firing`;
}

/**
 * Watches Alertmanager for the whole step: a check at once, then every interval until the
 * signal. The result is a metric like the Prometheus ones, so the step's verdict and the error
 * policy treat both alike: a firing alert fails the step; a watch whose last check could not
 * reach Alertmanager ends in Error, which `on-error` turns into Failed or Inconclusive.
 */
export async function watchAlerts(options: AlertWatchOptions): Promise<MetricResult> {
  const clock = options.clock ?? realClock;
  const query = matchersText(options.matchers);
  const result: MetricResult = {
    name: ALERTS_METRIC,
    description: `no firing alert matching ${query}`,
    query,
    verdict: 'Successful',
    reason: '',
    measurements: [],
    counts: { successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveErrors: 0 },
  };
  const inner = new AbortController();
  const stop = (): void => inner.abort();
  options.signal.addEventListener('abort', stop, { once: true });
  if (options.signal.aborted) inner.abort();
  try {
    for (let index = 1; ; index++) {
      if (index > 1) await clock.sleep(options.intervalMs, inner.signal);
      // The last check runs even when the step ends meanwhile: an alert at the very end counts too.
      const at = clock.now();
      let m: Measurement;
      try {
        const alerts = await options.source.firing(options.matchers);
        // Only the labels that identify the alert, bounded: they reach the log, the summary and the file.
        const values = alerts.slice(0, 100).map((a) => ({ labels: shownLabels(a, options.matchers), value: 1 }));
        m =
          alerts.length > 0
            ? { index, at, query, values, verdict: 'Failed', reason: firingReason(alerts, options.matchers) }
            : { index, at, query, values, verdict: 'Successful', reason: 'no matching alert firing' };
      } catch (error) {
        m = {
          index,
          at,
          query,
          values: [],
          verdict: 'Error',
          reason: clip(error instanceof Error ? error.message : String(error), 500),
        };
      }
      result.measurements.push(m);
      const c = result.counts;
      if (m.verdict === 'Failed') c.failed++;
      else if (m.verdict === 'Successful') c.successful++;
      else c.error++;
      c.consecutiveErrors = m.verdict === 'Error' ? c.consecutiveErrors + 1 : 0;
      await options.onMeasurement?.(m);
      if (m.verdict === 'Failed') {
        options.onFiring?.(m.reason);
        return { ...result, verdict: 'Failed', reason: m.reason };
      }
      if (inner.signal.aborted) break;
    }
  } finally {
    options.signal.removeEventListener('abort', stop);
  }
  const last = result.measurements.at(-1);
  if (last?.verdict === 'Error')
    return { ...result, verdict: 'Error', reason: `Alertmanager could not be asked: ${last.reason}` };
  return {
    ...result,
    verdict: 'Successful',
    reason: `${result.counts.successful} check(s), no matching alert firing${result.counts.error ? ` (${result.counts.error} could not reach Alertmanager)` : ''}`,
  };
}

import {
  alertmanagerAvailable,
  type RunningAlertmanager,
  startAlertmanager,
} from '@spikeformer-actions/testing/alertmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerClient, AlertmanagerError, parseAlerts } from '../../src/alerts/alertmanager-client.js';
import { parseAlertMatchers, type AlertMatcher } from '../../src/alerts/matchers.js';
import { watchAlerts } from '../../src/alerts/watch.js';

/* The client and the step watch against Debian's real Alertmanager (API v2). */

function matchers(text: string): AlertMatcher[] {
  const parsed = parseAlertMatchers(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
}

let am: RunningAlertmanager | undefined;
const available = alertmanagerAvailable();

beforeAll(async () => {
  if (available) am = await startAlertmanager();
}, 60_000);

afterAll(async () => {
  await am?.close();
});

describe.runIf(available)('AlertmanagerClient against a real Alertmanager', () => {
  it('returns only active alerts matching every matcher; a resolved alert is gone', async () => {
    if (!am) throw new Error('no alertmanager');
    await am.post([
      { labels: { alertname: 'HighErrorRate', severity: 'critical', service: 'shop-api' } },
      { labels: { alertname: 'HighErrorRate', severity: 'warning', service: 'shop-api' } },
      { labels: { alertname: 'DiskFull', severity: 'critical', service: 'other' } },
    ]);
    const client = new AlertmanagerClient({ address: am.url });
    const firing = await client.firing(matchers('severity="critical", service="shop-api"'));
    expect(firing.map((a) => [a.name, a.labels['severity'], a.labels['service']])).toEqual([
      ['HighErrorRate', 'critical', 'shop-api'],
    ]);
    expect(await client.firing(matchers('severity="critical", service=~"shop-.*|other"'))).toHaveLength(2);
    await am.post([
      {
        labels: { alertname: 'HighErrorRate', severity: 'critical', service: 'shop-api' },
        startsAt: new Date(Date.now() - 60_000),
        endsAt: new Date(Date.now() - 1_000),
      },
    ]);
    expect(await client.firing(matchers('severity="critical", service="shop-api"'))).toEqual([]);
  });

  it('a watch fails at the check after an alert fires, naming it; an unreachable Alertmanager ends in Error', async () => {
    if (!am) throw new Error('no alertmanager');
    const client = new AlertmanagerClient({ address: am.url });
    const m = matchers('severity="critical", service="watch-api"');
    const over = new AbortController();
    let fired = '';
    const watch = watchAlerts({
      matchers: m,
      source: client,
      intervalMs: 200,
      signal: over.signal,
      onFiring: (r) => (fired = r),
    });
    await new Promise((r) => setTimeout(r, 700));
    await am.post([{ labels: { alertname: 'LatencyHigh', severity: 'critical', service: 'watch-api' } }]);
    const result = await watch;
    over.abort();
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toBe('alert LatencyHigh (severity="critical", service="watch-api") firing');
    expect(fired).toBe(result.reason);
    expect(result.counts.successful).toBeGreaterThanOrEqual(2);
    expect(result.measurements.at(-1)?.verdict).toBe('Failed');

    const down = new AbortController();
    setTimeout(() => down.abort(), 300);
    const unreachable = await watchAlerts({
      matchers: m,
      source: new AlertmanagerClient({ address: 'http://127.0.0.1:9', attempts: 1 }),
      intervalMs: 100,
      signal: down.signal,
    });
    expect(unreachable.verdict).toBe('Error');
    expect(unreachable.reason).toMatch(
      /^Alertmanager could not be asked: GET http:\/\/127\.0\.0\.1:9\/api\/v2\/alerts\?.* failed after 1 attempt\(s\): /,
    );
    expect(unreachable.counts.successful).toBe(0);
  });
});

describe('parseAlerts', () => {
  it('refuses answers that are not a list of labelled alerts', () => {
    expect(() => parseAlerts('{"status":"error"}')).toThrow(
      new AlertmanagerError('Alertmanager answered with JSON that is not a list of alerts'),
    );
    expect(() => parseAlerts('<html>')).toThrow(
      new AlertmanagerError('Alertmanager answered with something that is not JSON'),
    );
    expect(() => parseAlerts('[{"labels":{"a":1}}]')).toThrow(
      new AlertmanagerError('Alertmanager answered with an alert without string labels (item 0)'),
    );
    expect(() => parseAlerts(`${'['.repeat(300)}${']'.repeat(300)}`)).toThrow(
      new AlertmanagerError('Alertmanager answered with something that is not JSON'),
    );
    expect(parseAlerts('[{"labels":{"alertname":"X"},"startsAt":"2026-01-01T00:00:00Z","fingerprint":"ab"}]')).toEqual([
      { name: 'X', labels: { alertname: 'X' }, startsAt: '2026-01-01T00:00:00Z', fingerprint: 'ab' },
    ]);
  });
});

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { binary, daemonAvailable, type RunningDaemon, startDaemon } from './daemon.js';

export interface TestAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** Default now. */
  startsAt?: Date;
  /** A past time resolves the alert. */
  endsAt?: Date;
}

export interface RunningAlertmanager extends RunningDaemon {
  /** POST /api/v2/alerts, as Prometheus sends them. */
  post(alerts: readonly TestAlert[]): Promise<void>;
  /** GET /api/v2/alerts (active, unsilenced, uninhibited) with the given filter matchers. */
  firing(filter?: readonly string[]): Promise<Array<{ labels: Record<string, string> }>>;
}

const FALLBACK = '/usr/bin/prometheus-alertmanager';

export function alertmanagerAvailable(): boolean {
  return daemonAvailable('ALERTMANAGER_BIN', FALLBACK, 'prometheus-alertmanager');
}

/** Debian's Alertmanager with a config written here (one route to a receiver that sends nothing), no clustering. */
export async function startAlertmanager(): Promise<RunningAlertmanager> {
  const file = binary('ALERTMANAGER_BIN', FALLBACK, 'prometheus-alertmanager');
  const daemon = await startDaemon('alertmanager', file, async (dir, port) => {
    const config = path.join(dir, 'alertmanager.yml');
    // JSON is YAML. Alerts are grouped at once so a posted alert is visible without waiting.
    await writeFile(
      config,
      `${JSON.stringify({ route: { receiver: 'nowhere', group_wait: '0s', group_interval: '1s', repeat_interval: '1h' }, receivers: [{ name: 'nowhere' }] })}\n`,
    );
    return [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ];
  });
  return {
    ...daemon,
    async post(alerts) {
      const body = alerts.map((a) => ({
        labels: a.labels,
        annotations: a.annotations ?? {},
        startsAt: (a.startsAt ?? new Date()).toISOString(),
        ...(a.endsAt ? { endsAt: a.endsAt.toISOString() } : {}),
      }));
      const response = await fetch(`${daemon.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`POST /api/v2/alerts: HTTP ${response.status}: ${text}`);
    },
    async firing(filter = []) {
      const query = new URLSearchParams({ active: 'true', silenced: 'false', inhibited: 'false' });
      for (const f of filter) query.append('filter', f);
      const response = await fetch(`${daemon.url}/api/v2/alerts?${query.toString()}`);
      return (await response.json()) as Array<{ labels: Record<string, string> }>;
    },
  };
}

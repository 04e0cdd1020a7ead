import { binary, daemonAvailable, type RunningDaemon, startDaemon } from '../alertmanager/daemon.js';

export interface RunningPushgateway extends RunningDaemon {
  /** The Pushgateway's own /metrics text: every pushed group, with its grouping labels. */
  metrics(): Promise<string>;
}

const FALLBACK = '/usr/bin/prometheus-pushgateway';

export function pushgatewayAvailable(): boolean {
  return daemonAvailable('PUSHGATEWAY_BIN', FALLBACK, 'prometheus-pushgateway');
}

/** Debian's Pushgateway on a free port, without persistence. */
export async function startPushgateway(): Promise<RunningPushgateway> {
  const file = binary('PUSHGATEWAY_BIN', FALLBACK, 'prometheus-pushgateway');
  const daemon = await startDaemon('pushgateway', file, (_dir, port) =>
    Promise.resolve([`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']),
  );
  return {
    ...daemon,
    async metrics() {
      const response = await fetch(`${daemon.url}/metrics`);
      return response.text();
    },
  };
}

import { accessSync, constants } from 'node:fs';

export interface PrometheusBinaries {
  prometheus: string;
  promtool: string;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Debian's `prometheus` package (installed by .ci/run): /usr/bin/prometheus and /usr/bin/promtool,
 * or PROMETHEUS_BIN / PROMTOOL_BIN.
 */
export function findPrometheus(): PrometheusBinaries | undefined {
  const prometheus = process.env['PROMETHEUS_BIN'] ?? '/usr/bin/prometheus';
  const promtool = process.env['PROMTOOL_BIN'] ?? '/usr/bin/promtool';
  return executable(prometheus) && executable(promtool) ? { prometheus, promtool } : undefined;
}

/**
 * Whether Prometheus tests can run. On CI (`CI` set) a missing binary throws, so the suite fails
 * instead of silently skipping; locally it returns false and the tests are skipped.
 */
export function prometheusAvailable(): boolean {
  if (findPrometheus()) return true;
  if (process.env['CI']) {
    throw new Error(
      'prometheus/promtool not found (install the Debian package "prometheus"; or set PROMETHEUS_BIN and PROMTOOL_BIN)',
    );
  }
  return false;
}

export function requirePrometheus(): PrometheusBinaries {
  const found = findPrometheus();
  if (!found)
    throw new Error(
      'prometheus/promtool not found (install the Debian package "prometheus"; or set PROMETHEUS_BIN and PROMTOOL_BIN)',
    );
  return found;
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LOCUSTFILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'locustfile.py');

/**
 * Runs real locust headless against `host`, bounded: 5 users spawned at once, `seconds` of run
 * time (locust flushes its history file every 10 s, so per-interval samples need 12 s or more).
 * Resolves with locust's exit code (1 when requests failed) and its output.
 */
export function runLocust(
  cwd: string,
  host: string,
  prefix: string,
  seconds: number,
): Promise<{ code: number; output: string }> {
  const args = [
    '-f',
    LOCUSTFILE,
    '--headless',
    '-u',
    '5',
    '-r',
    '5',
    '-t',
    `${seconds}s`,
    '-H',
    host,
    '--csv',
    prefix,
    '--csv-full-history',
    '--only-summary',
    '--stop-timeout',
    '1',
  ];
  return new Promise((resolve, reject) => {
    execFile(
      'locust',
      args,
      { cwd, timeout: (seconds + 30) * 1000, env: { ...process.env, PYTHONUNBUFFERED: '1' } },
      (error, stdout, stderr) => {
        const code =
          error === null
            ? 0
            : typeof (error as { code?: unknown }).code === 'number'
              ? (error as { code: number }).code
              : -1;
        if (code === -1) reject(error ?? new Error('locust did not run'));
        else resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { requirePrometheus } from './binaries.js';

/**
 * Turns OpenMetrics text (explicit timestamps in seconds, ending with `# EOF`) into TSDB blocks in
 * `dataDir` with `promtool tsdb create-blocks-from openmetrics`, so a Prometheus started on that
 * directory answers queries at those historic instants exactly, without scraping.
 */
export async function backfillOpenMetrics(
  openMetrics: string,
  dataDir: string,
  options: { timeoutMs?: number } = {},
): Promise<string> {
  const { promtool } = requirePrometheus();
  await mkdir(dataDir, { recursive: true });
  const input = path.join(
    path.dirname(dataDir),
    `backfill-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.om`,
  );
  await writeFile(input, openMetrics.endsWith('\n') ? openMetrics : `${openMetrics}\n`);
  return new Promise((resolve, reject) => {
    execFile(
      promtool,
      ['tsdb', 'create-blocks-from', 'openmetrics', input, dataDir],
      { timeout: options.timeoutMs ?? 60_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(`promtool tsdb create-blocks-from openmetrics failed: ${error.message}\n${stderr}${stdout}`),
          );
        else resolve(`${stdout}${stderr}`);
      },
    );
  });
}

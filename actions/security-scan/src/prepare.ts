import { existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { readJsonFile, readYamlFile, workspaceRelative } from '@spikeformer-actions/core';
import { analyse, type Analysis } from './analyse.js';
import { parseBaseline, type BaselineEntry } from './baseline.js';
import type { Inputs } from './inputs.js';
import { loadReports, workspaceLines, type LoadedReports } from './load-reports.js';
import { buildSarifAsync, type SarifEntry } from './sarif-out.js';
import { parseSuppressions, type Suppression } from './suppressions.js';

export const VERSION = '1.0.0';

/** Everything the outputs are made from (read, parsed, fingerprinted, deduplicated, judged); logs nothing. */
export interface Prepared {
  loaded: LoadedReports;
  suppressions: Suppression[];
  baseline?: BaselineEntry[];
  /** The `baseline` input names a file that does not exist (a first run): every finding is new. */
  baselineMissing: boolean;
  analysis: Analysis;
}

export async function prepare(input: Inputs, today: string): Promise<Prepared> {
  const loaded = await loadReports(input.reports, input.excludes, input.maxReportBytes);
  let suppressions: Suppression[] = [];
  if (input.suppressions !== '') {
    const shown = workspaceRelative(input.suppressions);
    suppressions = parseSuppressions(await readYamlFile(input.suppressions, 1024 * 1024, shown), shown);
  }
  let baseline: BaselineEntry[] | undefined;
  let baselineMissing = false;
  if (input.baseline !== '') {
    const shown = workspaceRelative(input.baseline);
    if (existsSync(input.baseline))
      baseline = parseBaseline(await readJsonFile(input.baseline, input.maxReportBytes, shown), shown);
    else baselineMissing = true;
  }
  const analysis = analyse(loaded.raw, {
    failOn: input.failOn,
    newOnly: input.failOnNewOnly,
    today,
    lines: workspaceLines(),
    ...(baseline === undefined ? {} : { baseline }),
    suppressions,
  });
  // The raw findings are not needed after the analysis: let them go.
  loaded.raw.length = 0;
  return { loaded, suppressions, ...(baseline === undefined ? {} : { baseline }), baselineMissing, analysis };
}

/** Writes the chunks in order (the writes run in the thread pool while the main thread goes on). */
export async function writeOutputFile(file: string, chunks: Iterable<string | Buffer>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'w');
  try {
    // writeFile on a handle writes all of a chunk from the current position (write() may write part).
    for (const chunk of chunks) await handle.writeFile(chunk);
  } finally {
    await handle.close();
  }
}

/** What the JSON output, the summary and the log say about the SARIF file written. */
export interface SarifWritten {
  runs: number;
  results: number;
  gzipBytes: number;
  trimmed: string[];
  /** Settles when the file is written (the write runs in the thread pool). */
  written: Promise<void>;
}

/** Builds the SARIF log (with GitHub's limits; the gzip check runs in the thread pool) and writes it. */
export async function writeSarif(
  file: string,
  p: Prepared,
  whileCompressing: () => void = () => {},
): Promise<SarifWritten> {
  const { analysis, baseline } = p;
  const state = analysis.comparison.state;
  const entries: SarifEntry[] = [];
  for (const f of analysis.active)
    entries.push(baseline === undefined ? { finding: f } : { finding: f, state: state.get(f.fingerprint) ?? 'new' });
  for (const s of analysis.suppression.suppressed) entries.push({ finding: s.finding, suppression: s.reason });
  const sarif = await buildSarifAsync(entries, { toolVersion: VERSION }, whileCompressing);
  const written = writeOutputFile(file, sarif.chunks);
  // Awaited by the caller; never an unhandled rejection meanwhile.
  written.catch(() => undefined);
  return { runs: sarif.runs, results: sarif.results, gzipBytes: sarif.gzipBytes, trimmed: sarif.trimmed, written };
}

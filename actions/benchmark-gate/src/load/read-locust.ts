import { existsSync } from 'node:fs';
import { FileError, readTextFile, resolveInWorkspace, workspaceRelative } from '@spikeformer-actions/core';
import { parseLocust, type LocustFiles } from '../parsers/locust.js';

/** CSV files of one locust run; a long run's history is the largest (a row per second and endpoint). */
const MAX_CSV_BYTES = 256 * 1024 * 1024;
const STATS = /_stats\.csv$/i;
/** locust's other files of a run: read beside PREFIX_stats.csv, never as results of their own. */
export const LOCUST_SIBLING = /_(stats_history|failures|exceptions)\.csv$/i;

/** A sibling file if it exists; inside the workspace like every path (a symlink out is refused). */
async function sibling(stats: string, suffix: string): Promise<{ text: string; file: string } | undefined> {
  const abs = stats.replace(STATS, suffix);
  const shown = workspaceRelative(abs);
  resolveInWorkspace(shown, shown);
  if (!existsSync(abs)) return undefined;
  return { text: await readTextFile(abs, MAX_CSV_BYTES, shown), file: shown };
}

/** Reads PREFIX_stats.csv with PREFIX_stats_history.csv and PREFIX_failures.csv beside it, when there. */
export async function readLocust(statsFile: string): Promise<ReturnType<typeof parseLocust>> {
  const shown = workspaceRelative(statsFile);
  if (!STATS.test(statsFile))
    throw new FileError(
      shown,
      "is not locust's PREFIX_stats.csv (run locust with --csv PREFIX and give PREFIX_stats.csv)",
    );
  const files: LocustFiles = { stats: { text: await readTextFile(statsFile, MAX_CSV_BYTES, shown), file: shown } };
  const history = await sibling(statsFile, '_stats_history.csv');
  if (history) files.history = history;
  const failures = await sibling(statsFile, '_failures.csv');
  if (failures) files.failures = failures;
  return parseLocust(files);
}

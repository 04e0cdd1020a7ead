import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  clip,
  error as logError,
  GateFailure,
  info,
  notice,
  parseJsonText,
  readTextFile,
  setOutput,
  UserError,
  warning,
  workspaceRelative,
} from '@spikeformer-actions/core';
import { diffBaseOf } from '@spikeformer-actions/core/github';
import { baseNote } from './base-note.js';
import { compare, type CompareOptions, type Comparison } from './compare.js';
import { appendRun, buildRun, emptyHistory, type HistoryDocument, mergeHistories, readHistory } from './history.js';
import { type Inputs, readInputs } from './inputs.js';
import { type LoadReport } from './load/model.js';
import { readLocust, LOCUST_SIBLING } from './load/read-locust.js';
import { evaluateSlos, sloLine, type SloResult } from './load/slo.js';
import type { Measurement } from './model.js';
import { mergeReports, parseReport } from './parsers/index.js';
import { commentOnPullRequest, eventOrNothing } from './pr-comment.js';
import { buildSummary, commentBody, headline, type Status } from './report.js';

/** Reports and history files are JSON written by tools; 256 MiB is far beyond any real one. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;
/** Annotations per kind: GitHub shows only the first few per step anyway. */
const MAX_ANNOTATIONS = 10;

/** locust writes CSV; every other format is JSON. */
function isLocust(file: string, format: Inputs['format']): boolean {
  return format === 'locust' || (format === 'auto' && /\.csv$/i.test(file));
}

async function loadResults(i: Inputs): Promise<{ measurements: Measurement[]; load: LoadReport[] }> {
  const reports = [];
  const load: LoadReport[] = [];
  const given = new Set(i.results);
  for (const file of i.results) {
    const shown = workspaceRelative(file);
    if (isLocust(file, i.format)) {
      // A glob such as run_*.csv also matches the run's history and failures, read with its stats.
      if (LOCUST_SIBLING.test(file) && given.has(file.replace(LOCUST_SIBLING, '_stats.csv'))) continue;
      const parsed = await readLocust(file);
      info(
        `${shown}: ${parsed.load.entries.length - 1} endpoint(s), ${parsed.measurements.filter((m) => m.samples).length} with per-interval samples, locust`,
      );
      reports.push({ file: shown, measurements: parsed.measurements });
      load.push(parsed.load);
      continue;
    }
    const doc = parseJsonText(await readTextFile(file, MAX_JSON_BYTES, shown), shown);
    const parsed = parseReport(doc, shown, i.format, i.direction, (m) => warning(m, { file: shown }));
    info(`${shown}: ${parsed.measurements.length} benchmark(s), ${parsed.format}`);
    reports.push({ file: shown, measurements: parsed.measurements });
    if (parsed.load) load.push(parsed.load);
  }
  const merged = mergeReports(reports);
  // An empty report usually means the benchmarks did not run; passing would hide that.
  if (merged.length === 0) throw new UserError(`no benchmarks in ${reports.map((r) => r.file).join(', ')}`);
  return { measurements: merged, load };
}

async function loadBaseline(i: Inputs): Promise<HistoryDocument> {
  for (const missing of i.baselineMissing)
    notice(`baseline ${missing} not found: nothing to compare with yet; this run starts the history`);
  if (i.baseline.length === 0) return emptyHistory();
  const docs = [];
  for (const file of i.baseline) {
    const shown = workspaceRelative(file);
    docs.push({
      file: shown,
      doc: readHistory(parseJsonText(await readTextFile(file, MAX_JSON_BYTES, shown), shown), shown),
    });
  }
  return mergeHistories(docs);
}

export function decideStatus(
  comparison: Comparison,
  i: Pick<Inputs, 'failOnMissing' | 'failOnInconclusive'>,
  slos: readonly SloResult[] = [],
): Status {
  const c = comparison.counts;
  if (slos.some((s) => !s.passed)) return 'failed';
  if (c.regression > 0 || (i.failOnMissing && c.missing > 0) || (i.failOnInconclusive && c.inconclusive > 0))
    return 'failed';
  return 'passed';
}

function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = process.env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

export async function run(): Promise<void> {
  const i = await readInputs();
  const started = performance.now();
  const { measurements, load } = await loadResults(i);
  const slos = evaluateSlos(i.slos, load);
  const history = await loadBaseline(i);
  const loaded = performance.now();
  const cpu = process.cpuUsage();
  const options: CompareOptions = {
    alpha: i.alpha,
    minRegression: i.minRegression,
    noiseFactor: i.noiseFactor,
    metric: i.metric,
    sameRunner: i.sameRunner,
  };
  const service = new Set(load.flatMap((r) => r.entries.map((e) => e.name)));
  const comparison = compare(history.runs, measurements, options, service);
  const compared = performance.now();
  const cpuUsed = process.cpuUsage(cpu);
  info(
    `compared ${measurements.length} benchmark(s) against ${history.runs.length} baseline run(s) in ${Math.round(compared - loaded)} ms, ` +
      `CPU ${Math.round((cpuUsed.user + cpuUsed.system) / 1000)} ms (reading took ${Math.round(loaded - started)} ms)`,
  );
  const status = decideStatus(comparison, i, slos);
  const event = await eventOrNothing();
  const note = baseNote(diffBaseOf(event), history.runs);

  const meta: { id: string; timestamp: string; commit?: string; ref?: string } = {
    id: i.runId,
    timestamp: new Date().toISOString(),
  };
  if (process.env.GITHUB_SHA) meta.commit = process.env.GITHUB_SHA;
  if (process.env.GITHUB_REF) meta.ref = process.env.GITHUB_REF;
  const updated = appendRun(history, buildRun(measurements, meta), i.historySize);
  const output = {
    ...updated,
    comparison: {
      generatedAt: meta.timestamp,
      runId: i.runId,
      status,
      options,
      counts: comparison.counts,
      results: comparison.results,
      ...(slos.length > 0 ? { slos } : {}),
    },
  };
  await mkdir(path.dirname(i.jsonFile), { recursive: true });
  await writeFile(i.jsonFile, `${JSON.stringify(output)}\n`);

  const line = headline(status, comparison, slos);
  info(line);
  for (const r of slos.filter((x) => !x.passed).slice(0, MAX_ANNOTATIONS))
    logError(`${sloLine(r)} (${clip(r.file, 200)})`, { title: `SLO failed: ${clip(r.slo, 200)}` });
  for (const r of comparison.results.filter((x) => x.verdict === 'regression').slice(0, MAX_ANNOTATIONS)) {
    logError(`${clip(r.name)}: ${r.reason}`, { title: 'Benchmark regression' });
  }
  for (const r of comparison.results
    .filter((x) => x.verdict === 'inconclusive' || x.verdict === 'missing')
    .slice(0, MAX_ANNOTATIONS)) {
    warning(`${clip(r.name)}: ${r.reason}`, { title: `Benchmark ${r.verdict}` });
  }

  setOutput('status', status);
  setOutput('regressions', comparison.counts.regression);
  setOutput('improvements', comparison.counts.improvement);
  setOutput('unchanged', comparison.counts.unchanged);
  setOutput('inconclusive', comparison.counts.inconclusive);
  setOutput('missing', comparison.counts.missing);
  setOutput('slo-failures', slos.filter((x) => !x.passed).length);
  setOutput('json-file', workspaceRelative(i.jsonFile));
  buildSummary(comparison, updated.runs, options, status, note, { slos, load }).write();

  if (i.comment)
    await commentOnPullRequest(
      event,
      i.githubToken,
      i.commentTag,
      commentBody(comparison, options, status, i.commentTag, runUrl(), note, slos),
    );

  if (status === 'failed') {
    const names = comparison.results.filter((r) => r.verdict === 'regression').map((r) => r.name);
    const failedSlos = slos.filter((r) => !r.passed).map((r) => `${clip(r.slo, 100)} (${clip(r.endpoint, 100)})`);
    throw new GateFailure(
      `${line}${failedSlos.length > 0 ? ` SLO failed: ${failedSlos.slice(0, 10).join(', ')}${failedSlos.length > 10 ? ', …' : ''}.` : ''}` +
        (names.length > 0
          ? ` Regressed: ${names
              .slice(0, 10)
              .map((n) => clip(n, 100))
              .join(', ')}${names.length > 10 ? ', …' : ''}.`
          : ''),
    );
  }
}

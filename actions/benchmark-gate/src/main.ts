import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { clip, error as logError, errorMessage, GateFailure, info, notice, parseJsonText, readTextFile, redact, setOutput, UserError, warning, workspaceRelative } from '@spikeformer-actions/core';
import { upsertComment } from './comment.js';
import { compare, type CompareOptions, type Comparison } from './compare.js';
import { appendRun, buildRun, emptyHistory, type HistoryDocument, mergeHistories, readHistory } from './history.js';
import { type Inputs, readInputs } from './inputs.js';
import { mergeReports, parseReport } from './parsers/index.js';
import { buildSummary, commentBody, headline, type Status } from './report.js';

/** Reports and history files are JSON written by tools; 256 MiB is far beyond any real one. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;
/** Annotations per kind: GitHub shows only the first few per step anyway. */
const MAX_ANNOTATIONS = 10;

async function loadResults(i: Inputs) {
  const reports = [];
  for (const file of i.results) {
    const shown = workspaceRelative(file);
    const doc = parseJsonText(await readTextFile(file, MAX_JSON_BYTES, shown), shown);
    const parsed = parseReport(doc, shown, i.format, i.direction, (m) => warning(m, { file: shown }));
    info(`${shown}: ${parsed.measurements.length} benchmark(s), ${parsed.format}`);
    reports.push({ file: shown, measurements: parsed.measurements });
  }
  const merged = mergeReports(reports);
  // An empty report usually means the benchmarks did not run; passing would hide that.
  if (merged.length === 0) throw new UserError(`no benchmarks in ${reports.map((r) => r.file).join(', ')}`);
  return merged;
}

async function loadBaseline(i: Inputs): Promise<HistoryDocument> {
  for (const missing of i.baselineMissing) notice(`baseline ${missing} not found: nothing to compare with yet; this run starts the history`);
  if (i.baseline.length === 0) return emptyHistory();
  const docs = [];
  for (const file of i.baseline) {
    const shown = workspaceRelative(file);
    docs.push({ file: shown, doc: readHistory(parseJsonText(await readTextFile(file, MAX_JSON_BYTES, shown), shown), shown) });
  }
  return mergeHistories(docs);
}

export function decideStatus(comparison: Comparison, i: Pick<Inputs, 'failOnMissing' | 'failOnInconclusive'>): Status {
  const c = comparison.counts;
  if (c.regression > 0 || (i.failOnMissing && c.missing > 0) || (i.failOnInconclusive && c.inconclusive > 0)) return 'fail';
  return c.inconclusive > 0 ? 'inconclusive' : 'pass';
}

function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = process.env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

export async function run(): Promise<void> {
  const i = await readInputs();
  const started = performance.now();
  const measurements = await loadResults(i);
  const history = await loadBaseline(i);
  const loaded = performance.now();
  const cpu = process.cpuUsage();
  const options: CompareOptions = { alpha: i.alpha, minRegression: i.minRegression, noiseFactor: i.noiseFactor, metric: i.metric, sameRunner: i.sameRunner };
  const comparison = compare(history.runs, measurements, options);
  const compared = performance.now();
  const cpuUsed = process.cpuUsage(cpu);
  info(
    `compared ${measurements.length} benchmark(s) against ${history.runs.length} baseline run(s) in ${Math.round(compared - loaded)} ms, ` +
      `CPU ${Math.round((cpuUsed.user + cpuUsed.system) / 1000)} ms (reading took ${Math.round(loaded - started)} ms)`,
  );
  const status = decideStatus(comparison, i);

  const meta: { id: string; timestamp: string; commit?: string; ref?: string } = { id: i.runId, timestamp: new Date().toISOString() };
  if (process.env.GITHUB_SHA) meta.commit = process.env.GITHUB_SHA;
  if (process.env.GITHUB_REF) meta.ref = process.env.GITHUB_REF;
  const updated = appendRun(history, buildRun(measurements, meta), i.historySize);
  const output = {
    ...updated,
    comparison: { generatedAt: meta.timestamp, runId: i.runId, status, options, counts: comparison.counts, results: comparison.results },
  };
  await mkdir(path.dirname(i.jsonFile), { recursive: true });
  await writeFile(i.jsonFile, `${JSON.stringify(output)}\n`);

  const line = headline(status, comparison);
  info(line);
  for (const r of comparison.results.filter((x) => x.verdict === 'regression').slice(0, MAX_ANNOTATIONS)) {
    logError(`${clip(r.name)}: ${r.reason}`, { title: 'Benchmark regression' });
  }
  for (const r of comparison.results.filter((x) => x.verdict === 'inconclusive' || x.verdict === 'missing').slice(0, MAX_ANNOTATIONS)) {
    warning(`${clip(r.name)}: ${r.reason}`, { title: `Benchmark ${r.verdict}` });
  }

  setOutput('status', status);
  setOutput('regressions', comparison.counts.regression);
  setOutput('improvements', comparison.counts.improvement);
  setOutput('unchanged', comparison.counts.unchanged);
  setOutput('inconclusive', comparison.counts.inconclusive);
  setOutput('missing', comparison.counts.missing);
  setOutput('json-file', workspaceRelative(i.jsonFile));
  buildSummary(comparison, updated.runs, options, status).write();

  if (i.githubToken) {
    try {
      const outcome = await upsertComment(i.githubToken, i.commentTag, commentBody(comparison, options, status, i.commentTag, runUrl()));
      info(outcome.action === 'skipped' ? `PR comment skipped: ${outcome.reason}` : `PR comment ${outcome.action}: ${outcome.url}`);
    } catch (error) {
      // The verdict stands without the comment; say why it is missing.
      warning(`could not post the PR comment: ${clip(redact(errorMessage(error), [i.githubToken]), 1000)}`);
    }
  }

  if (status === 'fail') {
    const names = comparison.results.filter((r) => r.verdict === 'regression').map((r) => r.name);
    throw new GateFailure(`${line}${names.length > 0 ? ` Regressed: ${names.slice(0, 10).map((n) => clip(n, 100)).join(', ')}${names.length > 10 ? ', …' : ''}.` : ''}`);
  }
}

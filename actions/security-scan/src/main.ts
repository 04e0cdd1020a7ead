import { existsSync } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  error, GateFailure, group, info, notice, readJsonFile, readYamlFile, setOutput, warning, workspaceRelative,
} from '@spikeformer-actions/core';
import { analyse } from './analyse.js';
import { planAnnotations } from './annotations.js';
import { parseBaseline, type BaselineEntry } from './baseline.js';
import { readInputs } from './inputs.js';
import { renderJsonChunks } from './json-out.js';
import { loadReports, workspaceLines } from './load-reports.js';
import { buildSummary } from './report-summary.js';
import { buildSarif, type SarifEntry } from './sarif-out.js';
import { describeSuppression, parseSuppressions, type Suppression } from './suppressions.js';

const VERSION = '1.0.0';

async function writeOutputFile(file: string, text: string | Iterable<string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  if (typeof text === 'string') {
    await writeFile(file, text);
    return;
  }
  const handle = await open(file, 'w');
  try {
    for (const chunk of text) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

export async function run(): Promise<void> {
  const input = readInputs();
  const loaded = await group('Reading reports', async () => {
    const result = await loadReports(input.reports, input.excludes, input.maxReportBytes);
    for (const r of result.records) {
      info(`${r.file}: ${r.format}${r.toolVersion ? ` (${r.toolVersion})` : ''}, ${r.findings} finding(s)`);
      for (const n of r.notes) warning(n, { file: r.file, title: 'Scanner reported a problem' });
    }
    return result;
  });

  let suppressions: Suppression[] = [];
  if (input.suppressions !== '') {
    const shown = workspaceRelative(input.suppressions);
    suppressions = parseSuppressions(await readYamlFile(input.suppressions, 1024 * 1024, shown), shown);
  }
  let baseline: BaselineEntry[] | undefined;
  if (input.baseline !== '') {
    const shown = workspaceRelative(input.baseline);
    // A first run (or a cache miss) has no baseline yet: every finding is then new, said out loud.
    if (existsSync(input.baseline)) baseline = parseBaseline(await readJsonFile(input.baseline, input.maxReportBytes, shown), shown);
    else warning(`Baseline ${shown} does not exist: every finding counts as new`, { title: 'No baseline' });
  }

  const analysis = analyse(loaded.raw, {
    failOn: input.failOn,
    newOnly: input.failOnNewOnly,
    today: new Date().toISOString().slice(0, 10),
    lines: workspaceLines(),
    ...(baseline === undefined ? {} : { baseline }),
    suppressions,
  });

  const state = analysis.comparison.state;
  const entries: SarifEntry[] = [
    ...analysis.active.map((f) => ({ finding: f, ...(baseline === undefined ? {} : { state: state.get(f.fingerprint) ?? 'new' }) })),
    ...analysis.suppression.suppressed.map((s) => ({ finding: s.finding, suppression: s.reason })),
  ];
  const sarif = buildSarif(entries, { toolVersion: VERSION });
  await writeOutputFile(input.sarifOutput, sarif.text);
  for (const t of sarif.trimmed) warning(`SARIF: ${t}`);
  const sarifShown = workspaceRelative(input.sarifOutput);
  const json = renderJsonChunks(analysis, {
    generatedAt: new Date().toISOString(),
    failOn: input.failOn,
    newOnly: input.failOnNewOnly,
    ...(baseline === undefined ? {} : { baseline: workspaceRelative(input.baseline) }),
    reports: loaded.records,
    sarif: { file: sarifShown, runs: sarif.runs, results: sarif.results, gzipBytes: sarif.gzipBytes, trimmed: sarif.trimmed },
  });
  await writeOutputFile(input.jsonOutput, json);

  const { annotations, omitted } = planAnnotations(analysis.active, input.maxAnnotations);
  for (const a of annotations) {
    const at = { file: a.file, title: a.title, ...(a.line === undefined ? {} : { line: a.line }), ...(a.endLine === undefined ? {} : { endLine: a.endLine }), ...(a.column === undefined ? {} : { column: a.column }), ...(a.endColumn === undefined ? {} : { endColumn: a.endColumn }) };
    if (a.level === 'error') error(a.message, at);
    else if (a.level === 'warning') warning(a.message, at);
    else notice(a.message, at);
  }
  for (const e of analysis.suppression.expired) {
    warning(`Suppression ${describeSuppression(e.entry)} expired on ${e.entry.expires ?? ''}: it no longer suppresses (${e.matched} finding(s) now count)`, { title: 'Expired suppression' });
  }
  for (const u of analysis.suppression.unused) info(`Suppression ${describeSuppression(u)} matched no finding; remove it if the issue is gone`);

  const c = analysis.counts;
  setOutput('status', analysis.decision.status);
  for (const key of ['total', 'critical', 'high', 'medium', 'low', 'info', 'new', 'fixed', 'suppressed'] as const) setOutput(key, c[key]);
  setOutput('sarif-file', sarifShown);
  setOutput('json-file', workspaceRelative(input.jsonOutput));

  buildSummary(analysis, { reports: loaded.records, baseline: baseline !== undefined, sarifTrimmed: sarif.trimmed, annotationsOmitted: omitted }).write();
  info(`security-scan: ${analysis.decision.status}: ${analysis.decision.reason}`);
  if (analysis.decision.status === 'failed') throw new GateFailure(analysis.decision.reason);
}

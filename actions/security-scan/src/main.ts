import {
  clip,
  error,
  GateFailure,
  group,
  info,
  notice,
  setOutput,
  warning,
  workspaceRelative,
} from '@spikeformer-actions/core';
import { upsertPullRequestComment } from '@spikeformer-actions/core/github';
import type { Analysis } from './analyse.js';
import { planAnnotations } from './annotations.js';
import { COMMENT_MARKER, commentBody, commentDataOf } from './comment-body.js';
import { commentFrom } from './comment-from.js';
import { eventOrNothing, isPullRequest, scannedCommit } from './event.js';
import { type Inputs, readMode } from './inputs.js';
import { renderJsonBody, renderJsonHead } from './json-out.js';
import { linksFrom, reportComment, tokenReady } from './pr-comment.js';
import { prepare, writeOutputFile, writeSarif } from './prepare.js';
import { buildSummary } from './report-summary.js';
import { describeSuppression } from './suppressions.js';

export async function run(): Promise<void> {
  const mode = readMode();
  if (mode.mode === 'comment-from') return commentFrom(mode.inputs);
  const input = mode.inputs;
  const event = await eventOrNothing();
  const today = new Date().toISOString().slice(0, 10);
  const prepared = await group('Reading reports', async () => {
    const result = await prepare(input, today);
    for (const r of result.loaded.records) {
      info(`${r.file}: ${r.format}${r.toolVersion ? ` (${clip(r.toolVersion)})` : ''}, ${r.findings} finding(s)`);
      for (const n of r.notes) warning(clip(n, 1000), { file: r.file, title: 'Scanner reported a problem' });
      if (r.rerootedTo !== undefined) {
        notice(
          `${r.file}: its paths are relative to ${clip(r.rerootedTo)}/ (the scanner ran there): read as ${clip(r.rerootedTo)}/<path>`,
          { file: r.file, title: 'Report paths re-rooted' },
        );
      }
      if (r.missingPaths !== undefined) {
        const m = r.missingPaths;
        warning(
          `${r.file}: ${m.count} of the ${m.of} file(s) it names do not exist in the workspace, first ${clip(m.first)}; their annotations and SARIF locations point nowhere (run the scanner from the workspace root, or check out the scanned code)`,
          { file: r.file, title: 'Report paths not in the workspace' },
        );
      }
    }
    return result;
  });
  const { analysis, baseline, loaded } = prepared;
  // A first run (or a cache miss) has no baseline yet: every finding is then new, said out loud.
  if (prepared.baselineMissing)
    warning(`Baseline ${workspaceRelative(input.baseline)} does not exist: every finding counts as new`, {
      title: 'No baseline',
    });

  // The JSON body does not depend on the SARIF figures: it is rendered while the SARIF log is
  // gzipped (its size check) in the thread pool, on the other core.
  let body: string[] = [];
  const sarif = await writeSarif(input.sarifOutput, prepared, () => {
    body = [...renderJsonBody(analysis)];
  });
  for (const t of sarif.trimmed) warning(`SARIF: ${t}`);
  const sarifShown = workspaceRelative(input.sarifOutput);
  const jsonHead = renderJsonHead(analysis, {
    generatedAt: new Date().toISOString(),
    ...scannedCommit(event),
    failOn: input.failOn,
    newOnly: input.failOnNewOnly,
    ...(baseline === undefined ? {} : { baseline: workspaceRelative(input.baseline) }),
    reports: loaded.records,
    sarif: {
      file: sarifShown,
      runs: sarif.runs,
      results: sarif.results,
      gzipBytes: sarif.gzipBytes,
      trimmed: sarif.trimmed,
    },
  });
  const jsonWritten = writeOutputFile(input.jsonOutput, [jsonHead, ...body]);

  const { annotations, omitted } = planAnnotations(analysis.active, input.maxAnnotations);
  for (const a of annotations) {
    const at = {
      file: a.file,
      title: a.title,
      ...(a.line === undefined ? {} : { line: a.line }),
      ...(a.endLine === undefined ? {} : { endLine: a.endLine }),
      ...(a.column === undefined ? {} : { column: a.column }),
      ...(a.endColumn === undefined ? {} : { endColumn: a.endColumn }),
    };
    if (a.level === 'error') error(a.message, at);
    else if (a.level === 'warning') warning(a.message, at);
    else notice(a.message, at);
  }
  for (const e of analysis.suppression.expired) {
    warning(
      `Suppression ${describeSuppression(e.entry)} expired on ${e.entry.expires ?? ''}: it no longer suppresses (${e.matched} finding(s) now count)`,
      { title: 'Expired suppression' },
    );
  }
  for (const u of analysis.suppression.unused)
    info(`Suppression ${describeSuppression(u)} matched no finding; remove it if the issue is gone`);

  const c = analysis.counts;
  setOutput('status', analysis.decision.status);
  for (const key of ['total', 'critical', 'high', 'medium', 'low', 'info', 'new', 'fixed', 'suppressed'] as const)
    setOutput(key, c[key]);
  setOutput('sarif-file', sarifShown);
  setOutput('json-file', workspaceRelative(input.jsonOutput));

  await Promise.all([sarif.written, jsonWritten]);
  buildSummary(analysis, {
    reports: loaded.records,
    baseline: baseline !== undefined,
    sarifTrimmed: sarif.trimmed,
    annotationsOmitted: omitted,
  }).write();
  if (input.comment) await comment(analysis, input, event);
  info(`security-scan: ${analysis.decision.status}: ${analysis.decision.reason}`);
  if (analysis.decision.status === 'failed') throw new GateFailure(analysis.decision.reason);
}

/** The PR comment of a scan: only on a pull request event; never fails the step. */
async function comment(analysis: Analysis, input: Inputs, event: Record<string, unknown>): Promise<void> {
  if (!isPullRequest(event)) {
    info('PR comment: skipped, the event is not a pull request');
    return;
  }
  if (!tokenReady(input.githubToken)) return;
  const body = commentBody(commentDataOf(analysis), linksFrom(process.env, event));
  await reportComment(input.githubToken, () =>
    upsertPullRequestComment({ token: input.githubToken, marker: COMMENT_MARKER, body }),
  );
}

import { errorMessage, UserError } from './errors.js';
import { issueCommand } from './commands.js';
import { annotationAt, info, error as logError, warning } from './log.js';
import { clip, MESSAGE_MAX } from './quote.js';
import type { ActionTrace } from './tracing/action-trace.js';

export interface RunOptions {
  /** Prefix of the one error line, e.g. "canary". */
  name: string;
}

function reportUnexpected(name: string, err: unknown): void {
  logError(`${name}: unexpected error: ${errorMessage(err)}`);
  const stack = err instanceof Error ? err.stack : undefined;
  if (stack) {
    issueCommand('group', {}, 'Stack trace (an internal error: please report it)');
    info(stack);
    issueCommand('endgroup', {}, '');
  }
}

/**
 * The one entry point of every action's main/post: runs fn, turns a UserError into one
 * `::error::` line naming the input or file, anything else into an error line plus its stack
 * in a collapsed group; the exit code is set, never process.exit() (summaries still flush).
 */
export async function runAction(fn: () => Promise<void>, options: RunOptions): Promise<void> {
  const onRejection = (reason: unknown): void => {
    reportUnexpected(options.name, reason);
    process.exitCode = 1;
  };
  process.on('unhandledRejection', onRejection);
  // Only an OTLP endpoint loads tracing (and the OpenTelemetry SDK with it): without one, no
  // module more is read and start-up stays as it is.
  const trace =
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
      ? await startTrace(options.name)
      : undefined;
  let failure: { errorLine: string; result: 'failure' | 'error' } | undefined;
  try {
    await (trace ? trace.run(fn) : fn());
  } catch (err) {
    process.exitCode = 1;
    // The one error line stays bounded whatever its message was built from.
    if (err instanceof UserError) {
      const line = `${options.name}: ${clip(err.message, MESSAGE_MAX)}`;
      logError(line, annotationAt(err.location));
      failure = { errorLine: line, result: 'failure' };
    } else {
      reportUnexpected(options.name, err);
      failure = { errorLine: `${options.name}: unexpected error: ${errorMessage(err)}`, result: 'error' };
    }
  }
  if (trace) {
    const exitCode = Number(process.exitCode ?? 0);
    await trace.end(
      failure ??
        (exitCode === 0
          ? { result: 'success' }
          : { errorLine: `${options.name}: exit code ${exitCode}`, result: 'failure' }),
    );
  }
}

/** Tracing never fails the action: a module that does not load is one warning. */
async function startTrace(name: string): Promise<ActionTrace | undefined> {
  try {
    const { startActionTrace } = await import('./tracing/action-trace.js');
    return await startActionTrace(name);
  } catch (err) {
    warning(`tracing: not started (${clip(errorMessage(err), 300)}); no spans are sent`);
    return undefined;
  }
}

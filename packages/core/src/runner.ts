import { errorMessage, UserError } from './errors.js';
import { issueCommand } from './commands.js';
import { annotationAt, info, error as logError } from './log.js';
import { clip, MESSAGE_MAX } from './quote.js';

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
  try {
    await fn();
  } catch (err) {
    process.exitCode = 1;
    // The one error line stays bounded whatever its message was built from.
    if (err instanceof UserError) logError(`${options.name}: ${clip(err.message, MESSAGE_MAX)}`, annotationAt(err.location));
    else reportUnexpected(options.name, err);
  }
}

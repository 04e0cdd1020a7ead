import { stripControl, UserError } from '@spikeformer-actions/core';

/** How much of one untrusted value a message quotes. */
export const QUOTE_MAX = 200;
/** The longest message a run reports, whatever it quotes. */
export const MESSAGE_MAX = 1500;

function oneLine(text: string): string {
  return stripControl(text).replace(/\n/g, ' ⏎ ');
}

function cutNote(length: number, max: number): string {
  return ` (cut at ${max} of ${length} characters)`;
}

/** Untrusted text for a message, on one line and at most `max` characters of it; a cut is said. */
export function clip(text: string, max = QUOTE_MAX): string {
  return text.length <= max ? oneLine(text) : `${oneLine(text.slice(0, max))}…${cutNote(text.length, max)}`;
}

/** Untrusted text in quotes, as `clip` bounds it: `'abc'`, or `'ab…' (cut at 2 of 3 characters)`. */
export function quote(text: string, max = QUOTE_MAX): string {
  return text.length <= max ? `'${oneLine(text)}'` : `'${oneLine(text.slice(0, max))}…'${cutNote(text.length, max)}`;
}

/** A list of untrusted names, each quoted, at most `maxItems` of them. */
export function quoteList(items: readonly string[], maxItems = 10): string {
  const shown = items.slice(0, maxItems).map((i) => quote(i)).join(', ');
  return items.length > maxItems ? `${shown} and ${items.length - maxItems} more` : shown;
}

/**
 * Runs fn; a user error whose message is longer than MESSAGE_MAX is reported cut. The sites
 * that quote untrusted text bound it already; this keeps the one error line bounded whatever
 * a message is built from.
 */
export async function withBoundedErrors(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof UserError) || error.message.length <= MESSAGE_MAX) throw error;
    throw new UserError(clip(error.message, MESSAGE_MAX), { ...(error.location ? { location: error.location } : {}), cause: error });
  }
}

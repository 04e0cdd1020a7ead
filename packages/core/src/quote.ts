import { stripControl } from './escape.js';

/**
 * Untrusted text inside a message: on one line and bounded, so a report field of a million
 * characters cannot become a megabyte error line. The cut is said, with the full length.
 */

/** How much of one untrusted value a message quotes. */
export const QUOTE_MAX = 200;
/** The longest error message a run reports, whatever it is built from. */
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
  const shown = items
    .slice(0, maxItems)
    .map((i) => quote(i))
    .join(', ');
  return items.length > maxItems ? `${shown} and ${items.length - maxItems} more` : shown;
}

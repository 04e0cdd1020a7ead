/**
 * Neutralising untrusted text. Anything that came from a report, a path, a metric label or a
 * remote server goes through these before it reaches the log, an annotation or the summary.
 */

// CSI (ESC [ … final), OSC (ESC ] … BEL/ST), and other two-byte ESC sequences.
const ANSI =
  // eslint-disable-next-line no-control-regex -- escape sequences are made of control characters
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// C0 and C1 controls except tab and line feed (carriage returns are handled as line breaks).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// Bidi overrides can make a log line read differently from what it is.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
const ZWSP = '\u200b';

/** Removes terminal escape sequences, control and bidi-override characters; CR becomes LF. */
export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, '').replace(BIDI, '');
}

/**
 * Makes text unable to form a workflow command on any line: the runner acts on lines that
 * start with `::` (after whitespace) and on the legacy `##[` anywhere in a line. A zero-width
 * space breaks both tokens without changing what a reader sees.
 */
export function neutraliseCommands(text: string): string {
  return text.replace(/::/g, `:${ZWSP}:`).replace(/##\[/g, `#${ZWSP}#[`);
}

/** Untrusted text made safe for a log line. */
export function safeText(text: unknown): string {
  return neutraliseCommands(stripControl(String(text)));
}

/** Untrusted text made safe for one log line (line breaks shown as ⏎). */
export function safeInline(text: unknown, maxLength = 2000): string {
  const one = safeText(text).replace(/\n/g, ' ⏎ ');
  return one.length > maxLength ? `${one.slice(0, maxLength)}…` : one;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Markdown's own syntax, so escaped text cannot become a link, image, emphasis or table cell break.
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '!': '&#33;',
  '\\': '&#92;',
  '~': '&#126;',
  '#': '&#35;',
  '@': '&#64;',
  $: '&#36;',
};

/**
 * Untrusted text made safe inside the job summary (HTML or Markdown context): every
 * character with a meaning in either becomes an entity; line breaks become `<br>`. The runner
 * never reads commands from the summary file, so `::` stays as written (a pytest id such as
 * `tests/test_a.py::test_b` copied from a summary must work).
 */
export function escapeHtml(text: unknown): string {
  return stripControl(String(text))
    .replace(/[&<>"'|`*_[\]!\\~#@$]/g, (c) => HTML_ESCAPES[c] ?? c)
    .replace(/\n/g, '<br>');
}

/**
 * Untrusted text made safe as a mermaid label: only letters, digits and a few punctuation
 * marks stay; everything else becomes mermaid's `#code;` entity, so no quote, bracket or
 * backtick fence can end the label or the block.
 */
export function mermaidText(text: unknown, maxLength = 60): string {
  const clipped = stripControl(String(text)).replace(/\n/g, ' ');
  const short = clipped.length > maxLength ? `${clipped.slice(0, maxLength - 1)}…` : clipped;
  return short.replace(/[^A-Za-z0-9 .,_/+%-]/gu, (c) => `#${c.codePointAt(0)};`);
}

/** Untrusted text for places where mermaid does not decode entities (xychart titles, axes). */
export function mermaidPlain(text: unknown, maxLength = 40): string {
  const plain = stripControl(String(text))
    .replace(/[^A-Za-z0-9 .,_/+%-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > maxLength ? `${plain.slice(0, maxLength - 1)}…` : plain;
}

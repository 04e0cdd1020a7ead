/**
 * Alert matchers as Alertmanager writes them: `severity="critical", service=~"api|web"`.
 * Parsed strictly (a misspelt matcher must not silently match nothing), bounded, and printed
 * back in the one canonical form the API v2 `filter` parameter takes.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface AlertMatcher {
  label: string;
  op: MatchOp;
  value: string;
}

export const MAX_MATCHERS = 32;
const MAX_TEXT = 4096;
const MAX_VALUE = 1024;
const LABEL = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPS: readonly MatchOp[] = ['=~', '!~', '!=', '='];
// Alertmanager's regular expressions are RE2: no look-around, no back-references.
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]/;

export type ParsedMatchers = { ok: true; value: AlertMatcher[] } | { ok: false; problem: string };

function shown(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return JSON.stringify(cut);
}

/** Reads a quoted value starting at `text[start] === '"'`; escapes \\ \" \n as in PromQL. */
function readValue(text: string, start: number): { value: string; end: number } | string {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '"') return { value, end: i + 1 };
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(ch))
      return 'a value contains a line break or control character';
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === '\\' || next === '"') value += next;
      else if (next === 'n') value += '\n';
      else return `unknown escape \\${next ?? ''} in a value (known: \\\\ \\" \\n)`;
      i++;
    } else value += ch;
  }
  return 'a value has no closing "';
}

/** Parses `label op "value"` items separated by commas, optionally inside `{ }`. */
export function parseAlertMatchers(input: string): ParsedMatchers {
  if (input.length > MAX_TEXT) return { ok: false, problem: `longer than ${MAX_TEXT} characters` };
  let text = input.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) return { ok: false, problem: 'opens { but does not close it' };
    text = text.slice(1, -1).trim();
  }
  if (text === '') return { ok: false, problem: 'no matcher (expected e.g. severity="critical", service="api")' };
  const matchers: AlertMatcher[] = [];
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  };
  while (i < text.length) {
    skip();
    const label = LABEL.exec(text.slice(i))?.[0];
    if (!label) return { ok: false, problem: `expected a label name at ${shown(text.slice(i))}` };
    i += label.length;
    skip();
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) return { ok: false, problem: `expected =, !=, =~ or !~ after ${label}, got ${shown(text.slice(i))}` };
    i += op.length;
    skip();
    if (text[i] !== '"')
      return { ok: false, problem: `the value of ${label} must be in double quotes, got ${shown(text.slice(i))}` };
    const read = readValue(text, i);
    if (typeof read === 'string') return { ok: false, problem: `${label}: ${read}` };
    if (read.value.length > MAX_VALUE)
      return { ok: false, problem: `${label}: the value is longer than ${MAX_VALUE} characters` };
    if (op === '=~' || op === '!~') {
      if (NOT_RE2.test(read.value))
        return { ok: false, problem: `${label}: look-around and back-references are not RE2 regular expressions` };
      try {
        new RegExp(`^(?:${read.value})$`, 'u');
      } catch {
        return { ok: false, problem: `${label}: ${shown(read.value)} is not a valid regular expression` };
      }
    }
    matchers.push({ label, op, value: read.value });
    if (matchers.length > MAX_MATCHERS) return { ok: false, problem: `more than ${MAX_MATCHERS} matchers` };
    i = read.end;
    skip();
    if (i >= text.length) break;
    if (text[i] !== ',') return { ok: false, problem: `expected , between matchers, got ${shown(text.slice(i))}` };
    i++;
    skip();
    if (i >= text.length) break;
  }
  if (matchers.every((m) => matchesEmpty(m))) {
    return {
      ok: false,
      problem:
        'every matcher also matches an alert without that label: name at least one label value an alert must have (e.g. severity="critical")',
    };
  }
  return { ok: true, value: matchers };
}

function matchesEmpty(m: AlertMatcher): boolean {
  return matchValue(m, '');
}

function matchValue(m: AlertMatcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`, 'u').test(value);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`, 'u').test(value);
  }
}

/** Whether an alert's labels satisfy every matcher (a missing label counts as ""). */
export function matchesAll(matchers: readonly AlertMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => matchValue(m, labels[m.label] ?? ''));
}

function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** One matcher as the API's `filter` parameter and the messages write it. */
export function matcherText(m: AlertMatcher): string {
  return `${m.label}${m.op}${quoted(m.value)}`;
}

export function matchersText(matchers: readonly AlertMatcher[]): string {
  return matchers.map(matcherText).join(', ');
}

import { maskSecret, redactUrl } from '@spikeformer-actions/core';

/**
 * The one place URLs enter the SBOM: every lockfile, manifest and include is read through
 * `withoutCredentials` before a reader sees it, so userinfo (`https://user:pass@`, a token in
 * `git+https://token@`) never reaches a purl, a bom-ref, an external reference, a property, the
 * log or the summary. Working on the text keeps every occurrence of a URL (a yarn descriptor and
 * the dependency naming it) identical, and line numbers unchanged.
 */

// userinfo holds no whitespace, '/', '?', '#', '@', quote, backslash or bracket (RFC 3986); matched
// from just after `://`.
const USERINFO = /([^\s/?#@"\\<>[\]]*)@/y;
// The rest of a URL, up to the characters that end one in JSON, YAML, TOML and yarn's format.
const URL_TAIL = /[^\s"'<>\\{}[\]|^`]*/y;
const SCHEME_CHAR = /[a-z0-9+.-]/i;
const LETTER = /[a-z]/i;

/** Where the scheme ending at `colon` (the index of `://`) starts; -1 when there is none. */
function schemeStart(text: string, colon: number): number {
  let start = colon;
  while (start > 0 && SCHEME_CHAR.test(text.charAt(start - 1))) start--;
  while (start < colon && !LETTER.test(text.charAt(start))) start++;
  return start < colon ? start : -1;
}

/** The secret part of a userinfo: the password, or a lone user name over anything but ssh (a token). */
function secretOf(scheme: string, userinfo: string): string | undefined {
  const colon = userinfo.indexOf(':');
  if (colon >= 0) return userinfo.slice(colon + 1);
  return /ssh/i.test(scheme) ? undefined : userinfo;
}

/** An environment-variable reference (`${TOKEN}`, pip's and pipenv's syntax) names a secret, it is none. */
function isPlaceholder(value: string): boolean {
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value);
}

function mask(secret: string): void {
  // Shorter values would blank common words all over the log; they are removed all the same.
  if (secret.length < 4 || isPlaceholder(secret)) return;
  maskSecret(secret);
  try {
    const decoded = decodeURIComponent(secret);
    if (decoded !== secret) maskSecret(decoded);
  } catch {
    // Not percent-encoded: the value as written is masked.
  }
}

/**
 * A URL whose query holds a secret-looking value (`?token=…`, a signed URL's signature) as core's
 * redactUrl writes it; the values it hides are masked. Any other URL stays byte for byte as written
 * (redactUrl normalises the text of a URL it parses).
 */
function withoutSecretQuery(url: string): string {
  const redacted = redactUrl(url);
  if (!redacted.includes('=***')) return url;
  try {
    const hidden = new URL(redacted).searchParams;
    for (const [key, value] of new URL(url).searchParams) if (hidden.get(key) === '***' && value !== '***') mask(value);
  } catch {
    // redactUrl could not parse it either and hid the values as text: nothing more to mask by name.
  }
  return redacted;
}

/**
 * The text with userinfo removed from every URL and secret query values hidden; the secret parts
 * are masked first. An ssh user name alone (`git@`) is kept. URLs are found from each `://`, so a
 * lockfile of megabytes costs one indexOf scan, and text without a secret is returned as it is.
 */
export function withoutCredentials(text: string): string {
  const pieces: string[] = [];
  let copied = 0;
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', Math.max(at + 3, copied))) {
    const start = schemeStart(text, at);
    if (start < copied) continue;
    const scheme = text.slice(start, at + 3);
    let rest = at + 3;
    USERINFO.lastIndex = rest;
    const userinfo = USERINFO.exec(text);
    if (userinfo) {
      const secret = secretOf(scheme, userinfo[1] ?? '');
      if (secret !== undefined) {
        mask(secret);
        rest = USERINFO.lastIndex;
      }
    }
    URL_TAIL.lastIndex = rest;
    const tail = URL_TAIL.exec(text)?.[0] ?? '';
    const end = rest + tail.length;
    const url = scheme + tail;
    const clean = tail.includes('?') ? withoutSecretQuery(url) : url;
    if (clean === text.slice(start, end)) continue;
    pieces.push(text.slice(copied, start), clean);
    copied = end;
  }
  return copied === 0 ? text : pieces.join('') + text.slice(copied);
}

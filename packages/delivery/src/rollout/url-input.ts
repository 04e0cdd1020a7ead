import { InputError, maskSecret, redactUrl } from '@spikeformer-actions/core';

/**
 * An http(s) URL from an input or a YAML map (Prometheus, webhooks, health checks). User info
 * in it is a credential: masked before anything is printed, and left out of every message.
 */

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?#@\s]+)@/i;

/** The text with any user info replaced by `***`, also where the text is no valid URL. */
export function shownUrl(text: string): string {
  const redacted = redactUrl(text);
  const shown =
    redacted !== text ? redacted : text.replace(USERINFO, (_, scheme: string | undefined) => `${scheme ?? ''}***@`);
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

/**
 * Masks the user info of `text` whatever the scheme: the password (or, with no password, the
 * user part, which is then a token as in `https://token@host`), as written and percent-decoded.
 */
export function maskUserInfo(text: string): void {
  const info = USERINFO.exec(text)?.[2];
  if (!info) return;
  const colon = info.indexOf(':');
  const secret = colon < 0 ? info : info.slice(colon + 1);
  maskSecret(info);
  maskSecret(secret);
  try {
    const decoded = decodeURIComponent(secret);
    if (decoded !== secret) maskSecret(decoded);
  } catch {
    // Not valid percent-encoding: the text as written is masked.
  }
}

/** A problem with `text` as an http(s) URL, or undefined; masks its user info first. */
export function httpUrlProblem(text: string): string | undefined {
  maskUserInfo(text);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || /\s/.test(text))
    return `expected an http(s) URL, got "${shownUrl(text)}"`;
  return undefined;
}

/** Reads an optional URL input value ('' when not given); InputError naming the input otherwise. */
export function checkHttpUrl(input: string, value: string): string {
  if (value === '') return '';
  const problem = httpUrlProblem(value);
  if (problem) throw new InputError(input, problem);
  return value;
}

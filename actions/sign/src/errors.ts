import { errorMessage, redact, redactUrl, UserError } from '@spikeformer-actions/core';
import { InternalError } from '@sigstore/sign';
import { RegistryError } from '@spikeformer-actions/supply-chain';

export interface ServiceUrls {
  fulcioURL: string;
  rekorURL?: string;
  tsaURL?: string;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()]+/gi;

/** Every URL in a message without its credentials (a service URL or a library's message may hold one). */
export function redactUrls(text: string): string {
  // Only URLs with userinfo are rewritten: redactUrl also normalises, which would change the rest.
  return text.replace(URL_IN_TEXT, (u) => (/^[^/]*\/\/[^/@]*@/.test(u) ? redactUrl(u) : u));
}

/** Which Sigstore service a failure came from, as one actionable error (with the cause's message). */
export function signingError(e: unknown, urls: ServiceUrls, secrets: readonly string[]): unknown {
  if (e instanceof RegistryError)
    return new UserError(`registry: ${redactUrls(redact(e.message, secrets))}`, { cause: e });
  if (!(e instanceof InternalError)) return e;
  const cause = e.cause === undefined ? '' : `: ${errorMessage(e.cause)}`;
  let what: string;
  switch (e.code) {
    case 'CA_CREATE_SIGNING_CERTIFICATE_ERROR':
      what = `Fulcio (${urls.fulcioURL}) refused or failed to issue a signing certificate`;
      break;
    case 'TLOG_CREATE_ENTRY_ERROR':
    case 'TLOG_FETCH_ENTRY_ERROR':
      what = `the transparency log (${urls.rekorURL ?? 'Rekor'}) did not record the signature; set tlog: false with a tsa-url to sign without it`;
      break;
    case 'TSA_CREATE_TIMESTAMP_ERROR':
      what = `the timestamp authority (${urls.tsaURL ?? 'TSA'}) did not return a timestamp`;
      break;
    default:
      what = `signing failed (${e.code})`;
  }
  return new UserError(redactUrls(redact(`${what}${cause}`, secrets)), { cause: e });
}

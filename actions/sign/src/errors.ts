import { errorMessage, redact, UserError } from '@spikeformer-actions/core';
import { InternalError } from '@sigstore/sign';
import { RegistryError } from '@spikeformer-actions/supply-chain';

export interface ServiceUrls {
  fulcioURL: string;
  rekorURL?: string;
  tsaURL?: string;
}

/** Which Sigstore service a failure came from, as one actionable error (with the cause's message). */
export function signingError(e: unknown, urls: ServiceUrls, secrets: readonly string[]): UserError | unknown {
  if (e instanceof RegistryError) return new UserError(`registry: ${redact(e.message, secrets)}`, { cause: e });
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
  return new UserError(redact(`${what}${cause}`, secrets), { cause: e });
}

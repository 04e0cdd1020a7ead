import type { Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { Summary } from '@spikeformer-actions/core';
import { fulcioExtensions, type OidValue } from '@spikeformer-actions/supply-chain';

export interface SignedRecord {
  subject: string;
  digest: string;
  bundlePath: string;
  bundle: Bundle;
  /** Where an image's bundle was attached (referrers API or tag fallback). */
  attachedVia?: string;
}

/** Signer identity of a bundle: certificate SAN and issuer, or the key's fingerprint. */
export function signerOf(bundle: Bundle): string {
  const content = bundle.verificationMaterial.content;
  let der: Uint8Array | undefined;
  if (content.$case === 'publicKey') return `key ${content.publicKey.hint}`;
  if (content.$case === 'certificate') der = content.certificate.rawBytes;
  else der = content.x509CertificateChain.certificates[0]?.rawBytes;
  if (!der) return 'unknown';
  const cert = X509Certificate.parse(Buffer.from(der));
  const oids: OidValue[] = cert.extensions.map((ext) => ({
    oid: { id: (ext.subs[0]?.toOID() ?? '').split('.').map(Number) },
    value: ext.subs[ext.subs.length - 1]?.value ?? Buffer.alloc(0),
  }));
  const ext = fulcioExtensions(oids);
  return `${cert.subjectAltName ?? '(no SAN)'} (issuer ${ext.issuer ?? ext.issuerV1 ?? 'unknown'})`;
}

/** Transparency-log index and/or signed timestamp of a bundle. */
export function witnessOf(bundle: Bundle): string {
  const parts = bundle.verificationMaterial.tlogEntries.map((t) => `Rekor #${t.logIndex}`);
  const tsa = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
  if (tsa > 0) parts.push(`${tsa} RFC 3161 timestamp(s)`);
  return parts.length > 0 ? parts.join(', ') : 'none (no tlog, no TSA)';
}

export function buildSummary(
  records: readonly SignedRecord[],
  heading: string,
  stored: readonly { id: string; url: string }[] = [],
): Summary {
  const summary = new Summary().heading(heading).table(
    ['Subject', 'Digest', 'Signer', 'Transparency log / timestamp', 'Bundle'],
    records.map((r) => [
      r.subject,
      r.digest,
      signerOf(r.bundle),
      witnessOf(r.bundle),
      `${r.bundlePath}${r.attachedVia ? ` (attached via ${r.attachedVia})` : ''}`,
    ]),
  );
  if (stored.length > 0)
    summary.paragraph('Stored in GitHub:').list(stored.map((a) => `attestation ${a.id}: ${a.url}`));
  return summary;
}

import { createPublicKey, type KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { publicKeyFingerprint } from './cosign-key.js';
import { errorMessage, isRecord } from '@spikeformer-actions/core';

/** A public key trusted for key-signed bundles (npm registry keys, cosign public keys). */
export interface TrustedKey {
  hint: string;
  key: KeyObject;
  start?: Date;
  end?: Date;
  /** keyUsage of npm's keys.json (npm:attestations, npm:signatures); undefined for user keys. */
  usage?: string;
}

export class TrustError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustError';
  }
}

/** Parses a trusted_root.json (Sigstore protobuf-specs JSON). */
export function parseTrustedRoot(json: unknown): TrustedRoot {
  if (
    !isRecord(json) ||
    typeof json['mediaType'] !== 'string' ||
    !json['mediaType'].startsWith('application/vnd.dev.sigstore.trustedroot')
  ) {
    throw new TrustError(
      'not a Sigstore trusted root (mediaType application/vnd.dev.sigstore.trustedroot+json expected)',
    );
  }
  try {
    return TrustedRoot.fromJSON(json);
  } catch (e) {
    throw new TrustError(`trusted root does not parse: ${errorMessage(e)}`);
  }
}

/** npm registry keys.json → trusted keys; only those whose usage is listed are kept. */
export function npmRegistryKeys(json: unknown, usages: readonly string[] = ['npm:attestations']): TrustedKey[] {
  if (!isRecord(json) || !Array.isArray(json['keys'])) throw new TrustError('npm keys file has no "keys" array');
  const out: TrustedKey[] = [];
  for (const k of json['keys']) {
    if (!isRecord(k) || typeof k['keyId'] !== 'string' || !isRecord(k['publicKey'])) continue;
    const usage = typeof k['keyUsage'] === 'string' ? k['keyUsage'] : undefined;
    if (usage !== undefined && !usages.includes(usage)) continue;
    const pk = k['publicKey'];
    if (typeof pk['rawBytes'] !== 'string') continue;
    const key = createPublicKey({ key: Buffer.from(pk['rawBytes'], 'base64'), format: 'der', type: 'spki' });
    const valid = isRecord(pk['validFor']) ? pk['validFor'] : {};
    out.push({
      hint: k['keyId'],
      key,
      start: typeof valid['start'] === 'string' ? new Date(valid['start']) : undefined,
      end: typeof valid['end'] === 'string' ? new Date(valid['end']) : undefined,
      usage,
    });
  }
  return out;
}

/** A PEM public key (cosign.pub): trusted under its fingerprint hint and without a time limit. */
export function pemPublicKey(pem: string): TrustedKey {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new TrustError(`public key is not PEM: ${errorMessage(e)}`);
  }
  return { hint: publicKeyFingerprint(key), key };
}

/**
 * Trust material for @sigstore/verify. A bundle's key hint picks the key; a user's single
 * public key also answers an unknown hint (cosign verify-blob --key ignores the hint too).
 */
export function buildTrustMaterial(root: TrustedRoot, keys: readonly TrustedKey[]): TrustMaterial {
  const userKeys = keys.filter((k) => k.usage === undefined);
  return toTrustMaterial(root, (hint: string) => {
    const candidates = keys.filter((k) => k.hint === hint);
    const chosen = candidates.length > 0 ? candidates : userKeys.length === 1 ? userKeys : [];
    const first = chosen[0];
    if (!first) throw new TrustError(`no trusted public key for key hint ${JSON.stringify(hint)}`);
    return {
      publicKey: first.key,
      validFor: (date: Date) => chosen.some((k) => (!k.start || date >= k.start) && (!k.end || date <= k.end)),
    };
  });
}

/** An empty trusted root, for key-only verification where no Sigstore instance is involved. */
export function emptyTrustedRoot(): TrustedRoot {
  return TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  });
}

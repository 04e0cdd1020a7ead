import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Digest algorithms an in-toto subject or an OCI descriptor may carry that we compute. */
export type DigestAlgorithm = 'sha256' | 'sha512';
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['sha256', 'sha512'];

export type Digests = Record<DigestAlgorithm, string>;

/** sha256 and sha512 (hex) of a file in one streaming pass. */
export async function digestFile(file: string): Promise<Digests> {
  const sha256 = createHash('sha256');
  const sha512 = createHash('sha512');
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    sha256.update(chunk);
    sha512.update(chunk);
  }
  return { sha256: sha256.digest('hex'), sha512: sha512.digest('hex') };
}

export function digestBytes(data: Uint8Array): Digests {
  return {
    sha256: createHash('sha256').update(data).digest('hex'),
    sha512: createHash('sha512').update(data).digest('hex'),
  };
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256:<hex>` as OCI writes digests. */
export function ociDigest(data: Uint8Array | string): string {
  return `sha256:${sha256Hex(data)}`;
}

export interface ParsedDigest {
  algorithm: string;
  hex: string;
}

/** Parses `alg:hex` (OCI) strictly; null when it is not one. */
export function parseDigest(text: string): ParsedDigest | null {
  const m = /^(sha256|sha384|sha512):([a-f0-9]+)$/.exec(text);
  if (!m || !m[1] || !m[2]) return null;
  const expected = m[1] === 'sha256' ? 64 : m[1] === 'sha384' ? 96 : 128;
  return m[2].length === expected ? { algorithm: m[1], hex: m[2] } : null;
}

/** npm's SRI `sha512-<base64>` → hex; null when the text is not SRI. */
export function sriToHex(sri: string): ParsedDigest | null {
  const m = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+=*)$/.exec(sri.trim());
  if (!m || !m[1] || !m[2]) return null;
  return { algorithm: m[1], hex: Buffer.from(m[2], 'base64').toString('hex') };
}

/** The tag cosign and the OCI 1.1 fallback scheme use for artifacts referring to `digest`. */
export function fallbackTag(digest: string): string {
  return digest.replace(':', '-');
}

import { sign as cryptoSign } from 'node:crypto';
import { toMessageSignatureBundle, type BundleWithMessageSignature } from '@sigstore/bundle';
import { pem } from '@sigstore/core';
import {
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
  type Artifact,
  type Signature,
  type Signer,
  type Witness,
} from '@sigstore/sign';
import { createHash } from 'node:crypto';
import type { SigningKey } from '@spikeformer-actions/supply-chain';

/** A cosign key as a Sigstore signer: the bundle carries the key's fingerprint as its hint. */
export class KeySigner implements Signer {
  constructor(private readonly key: SigningKey) {}
  async sign(data: Buffer): Promise<Signature> {
    const signature = cryptoSign(this.key.hash, data, { key: this.key.privateKey, dsaEncoding: 'der' });
    return { signature, key: { $case: 'publicKey', publicKey: this.key.publicKeyPem, hint: this.key.fingerprint } };
  }
}

/** Message-signature bundles in the v0.3 format (one leaf certificate, not a chain), as cosign 3 writes. */
class MessageSignatureV03Builder extends MessageSignatureBundleBuilder {
  protected override async package(artifact: Artifact, signature: Signature): Promise<BundleWithMessageSignature> {
    return toMessageSignatureBundle({
      digest: createHash('sha256').update(artifact.data).digest(),
      signature: signature.signature,
      certificate: signature.key.$case === 'x509Certificate' ? pem.toDER(signature.key.certificate) : undefined,
      keyHint: signature.key.$case === 'publicKey' ? signature.key.hint : undefined,
      certificateChain: false,
    });
  }
}

export interface SigningSetup {
  signer: Signer;
  rekorURL?: string;
  tsaURL?: string;
  timeoutMs?: number;
}

export function keylessSigner(fulcioURL: string, token: string, timeoutMs = 30_000): Signer {
  return new FulcioSigner({
    identityProvider: { getToken: () => Promise.resolve(token) },
    fulcioBaseURL: fulcioURL,
    timeout: timeoutMs,
    retry: 2,
  });
}

function witnesses(setup: SigningSetup, entryType: 'intoto' | undefined): Witness[] {
  const out: Witness[] = [];
  // in-toto entries: what npm provenance uses, and what Rekor v1 stores unchanged for DSSE.
  if (setup.rekorURL)
    out.push(
      new RekorWitness({
        rekorBaseURL: setup.rekorURL,
        ...(entryType ? { entryType } : {}),
        timeout: setup.timeoutMs ?? 30_000,
        retry: 2,
      }),
    );
  if (setup.tsaURL)
    out.push(new TSAWitness({ tsaBaseURL: setup.tsaURL, timeout: setup.timeoutMs ?? 30_000, retry: 2 }));
  return out;
}

export function messageBuilder(setup: SigningSetup): MessageSignatureBundleBuilder {
  return new MessageSignatureV03Builder({ signer: setup.signer, witnesses: witnesses(setup, undefined) });
}

export function dsseBuilder(setup: SigningSetup): DSSEBundleBuilder {
  return new DSSEBundleBuilder({ signer: setup.signer, witnesses: witnesses(setup, 'intoto') });
}

import { createHash } from 'node:crypto';
import { bundleToJSON, type Bundle } from '@sigstore/bundle';
import { toSignedEntity, Verifier, type Signer, type TrustMaterial, type VerifierOptions } from '@sigstore/verify';
import { errorMessage } from '@spikeformer-actions/core';

export type SignatureResult = { ok: true; signer: Signer } | { ok: false; code: string; message: string };

/** Verifiers of one trust material, one per set of thresholds: built once, shared by every run that trusts it. */
const verifiersByTrust = new WeakMap<TrustMaterial, Map<string, Verifier>>();

function verifierOf(
  trust: TrustMaterial,
  options: Required<Pick<VerifierOptions, 'tlogThreshold' | 'ctlogThreshold' | 'timestampThreshold'>>,
): Verifier {
  let verifiers = verifiersByTrust.get(trust);
  if (!verifiers) verifiersByTrust.set(trust, (verifiers = new Map<string, Verifier>()));
  const key = `${options.tlogThreshold}/${options.ctlogThreshold}/${options.timestampThreshold}`;
  let verifier = verifiers.get(key);
  if (!verifier) verifiers.set(key, (verifier = new Verifier(trust, options)));
  return verifier;
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'VERIFICATION_ERROR';
}

/**
 * What a verification depends on: the parsed bundle (the Verifier sees nothing else of it) and,
 * for a message signature, the artifact bytes. Two files holding the same bundle share a key.
 */
function contentKey(bundle: Bundle, artifact: Buffer | undefined): string {
  const hash = createHash('sha256').update(JSON.stringify(bundleToJSON(bundle)));
  if (artifact) hash.update('\0artifact\0').update(createHash('sha256').update(artifact).digest());
  return hash.digest('hex');
}

/**
 * Signature checks of one verification run. Each distinct bundle (and artifact, for a message
 * signature) goes through @sigstore/verify once: certificate chain, SCTs, transparency log,
 * timestamps and signature. The same bundle read again, from another file or for another
 * artifact, gets the first outcome.
 */
export class SignatureChecks {
  private readonly outcomes = new Map<string, SignatureResult>();
  /** Bundles given to @sigstore/verify, and checks answered from an earlier outcome. */
  readonly counts = { verified: 0, reused: 0 };

  constructor(
    private readonly trust: TrustMaterial,
    private readonly requireTlog: boolean,
  ) {}

  private verifierFor(bundle: Bundle): Verifier {
    const keyed = bundle.verificationMaterial.content.$case === 'publicKey';
    const tlog = this.requireTlog ? 1 : 0;
    // A certificate is only valid at a verified time (tlog or TSA); a key has no validity window
    // to check, so without a required log it may carry no timestamp at all (cosign --key, no tlog).
    return verifierOf(this.trust, {
      tlogThreshold: tlog,
      ctlogThreshold: keyed ? 0 : 1,
      timestampThreshold: keyed ? tlog : 1,
    });
  }

  check(bundle: Bundle, artifact?: Buffer): SignatureResult {
    const key = contentKey(bundle, artifact);
    const known = this.outcomes.get(key);
    if (known) {
      this.counts.reused++;
      return known;
    }
    let outcome: SignatureResult;
    try {
      outcome = { ok: true, signer: this.verifierFor(bundle).verify(toSignedEntity(bundle, artifact)) };
    } catch (e) {
      outcome = { ok: false, code: errorCode(e), message: errorMessage(e) };
    }
    this.counts.verified++;
    this.outcomes.set(key, outcome);
    return outcome;
  }
}

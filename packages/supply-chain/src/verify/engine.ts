import { isBundleWithDsseEnvelope, type Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { RFC3161Timestamp } from '@sigstore/core';
import type { Signer, TrustMaterial } from '@sigstore/verify';
import type { Digests } from '../digest.js';
import { fulcioExtensions } from '../fulcio-extensions.js';
import { IN_TOTO_PAYLOAD_TYPE, parseStatement, type Statement } from '../intoto.js';
import type { LoadedBundle } from './documents.js';
import {
  evaluatePolicy,
  predicateTypeMatches,
  describePredicatePolicy,
  type Check,
  type Policy,
  type SignerFacts,
} from './policy.js';
import { provenanceFacts, type ProvenanceFacts } from './provenance.js';
import { SignatureChecks } from './signature.js';

export interface ArtifactInput {
  /** Shown in every message: a workspace-relative path or an image reference. */
  name: string;
  digests: Partial<Digests>;
  /** The bytes, needed only to check a message signature (read lazily). */
  bytes?: () => Promise<Buffer>;
}

export interface LogEvidence {
  logIndex: string;
  integratedTime?: string;
}

/** What one bundle proved, once its signature verified. */
export interface BundleEvidence {
  source: string;
  kind: 'dsse' | 'message-signature';
  signer: SignerFacts;
  predicateType?: string;
  statement?: Statement;
  provenance?: ProvenanceFacts;
  tlog: LogEvidence[];
  timestamps: string[];
}

export interface Failure {
  artifact: string;
  bundle?: string;
  check: string;
  expected: string;
  found: string;
}

/** A bundle beside the one asked for that could not be checked, and why. */
export interface NotChecked {
  bundle: string;
  predicateType: string;
  reason: string;
}

export interface ArtifactReport {
  artifact: string;
  digests: Partial<Digests>;
  verdict: 'verified' | 'failed';
  /** The bundle that satisfied the policy; on failure, the first verified bundle that did not. */
  evidence?: BundleEvidence;
  /** Checks of the bundle(s) considered; on failure, every failed one. */
  failures: Failure[];
  checks: (Check & { bundle: string })[];
  /**
   * Companion bundles (not of the required predicate type) left unchecked, e.g. npm's publish
   * attestation without registry keys.
   */
  notChecked?: NotChecked[];
}

/** A bundle file that could not be read as bundles, or an artifact's missing bundle. */
export interface BundleProblem {
  /** The file, when there is one. */
  bundle?: string;
  expected: string;
  found: string;
}

export interface VerifyOptions {
  trust: TrustMaterial;
  policy: Policy;
  /** Whether the issuer was set by the user (then key-signed bundles fail the issuer check). */
  explicitIssuer?: boolean;
  requireTlog: boolean;
  /**
   * Whether any public key (npm registry keys, cosign.pub) is trusted. Without one, a key-signed
   * bundle that is not what the policy asks for is reported as not checked instead of failing
   * the artifact: the user asked to verify the provenance, not npm's publish attestation.
   */
  hasPublicKeys?: boolean;
}

export function formatFailure(f: Failure): string {
  return `${f.artifact}: ${f.check} failed${f.bundle ? ` in ${f.bundle}` : ''}: expected ${f.expected}, found ${f.found}`;
}

export function formatNotChecked(artifact: string, n: NotChecked): string {
  const how = n.reason === 'no registry keys' ? ": give npm's keys.json in public-keys to check it" : '';
  return `${artifact}: ${n.bundle} (${n.predicateType}) not checked (${n.reason}${how})`;
}

type SignatureOutcome = { ok: true; evidence: BundleEvidence } | { ok: false; code: string; message: string };

function evidenceOf(loaded: LoadedBundle, signer: SignerFacts): BundleEvidence {
  const b = loaded.bundle;
  const tlog = b.verificationMaterial.tlogEntries.map((t) => ({
    logIndex: t.logIndex,
    ...(t.integratedTime && t.integratedTime !== '0'
      ? { integratedTime: new Date(Number(t.integratedTime) * 1000).toISOString() }
      : {}),
  }));
  const timestamps: string[] = [];
  for (const ts of b.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []) {
    try {
      timestamps.push(RFC3161Timestamp.parse(Buffer.from(ts.signedTimestamp)).signingTime.toISOString());
    } catch {
      /* already verified by the Verifier; an unparsable one would have failed there */
    }
  }
  const evidence: BundleEvidence = {
    source: loaded.source,
    kind: isBundleWithDsseEnvelope(b) ? 'dsse' : 'message-signature',
    signer,
    tlog,
    timestamps,
  };
  if (isBundleWithDsseEnvelope(b)) {
    const env = b.content.dsseEnvelope;
    if (env.payloadType === IN_TOTO_PAYLOAD_TYPE) {
      const parsed = parseStatement(env.payload);
      if (parsed.ok) {
        evidence.statement = parsed.statement;
        evidence.predicateType = parsed.statement.predicateType;
        const facts = provenanceFacts(parsed.statement.predicateType, parsed.statement.predicate);
        if (facts) evidence.provenance = facts;
      }
    }
  }
  return evidence;
}

function signerOf(bundle: Bundle, identity: Signer['identity']): SignerFacts {
  const content = bundle.verificationMaterial.content;
  if (content.$case === 'publicKey') return { type: 'public-key', hint: content.publicKey.hint };
  return {
    type: 'certificate',
    subjectAlternativeName: identity?.subjectAlternativeName ?? '',
    issuer: identity?.extensions?.issuer ?? '',
    extensions: fulcioExtensions(identity?.oids ?? []),
  };
}

function subjectMatches(statement: Statement, digests: Partial<Digests>): boolean {
  return statement.subject.some((s) =>
    (Object.entries(digests) as [string, string | undefined][]).some(
      ([alg, hex]) => hex !== undefined && s.digest[alg] === hex,
    ),
  );
}

function describeDigests(d: Partial<Digests>): string {
  return Object.entries(d)
    .filter(([, v]) => v)
    .map(([a, v]) => `${a}:${v}`)
    .join(' / ');
}

function describeSubjects(statement: Statement): string {
  return statement.subject
    .map(
      (s) =>
        `${s.name || '(unnamed)'} ${Object.entries(s.digest)
          .map(([a, v]) => `${a}:${v}`)
          .join(',')}`,
    )
    .join('; ');
}

function messageDigestOf(bundle: Bundle): { algorithm: string; hex: string } | undefined {
  if (bundle.content.$case !== 'messageSignature') return undefined;
  const md = bundle.content.messageSignature.messageDigest;
  const algorithm =
    md.algorithm === HashAlgorithm.SHA2_512 ? 'sha512' : md.algorithm === HashAlgorithm.SHA2_384 ? 'sha384' : 'sha256';
  return { algorithm, hex: Buffer.from(md.digest).toString('hex') };
}

/**
 * Verifies artifacts against bundles under a policy. An artifact passes when one bundle of
 * the required predicate type covers its digest, verifies, and passes every policy check, and
 * no bundle covering it has a broken signature (a tampered attestation beside a good one, such
 * as npm's publish attestation next to the provenance, fails it: someone forged it).
 */
export class ProvenanceVerifier {
  private readonly signatures: SignatureChecks;
  /** Per bundle read: its statement before verification (null: none), and its DSSE outcome. */
  private readonly statements = new WeakMap<LoadedBundle, Statement | null>();
  private readonly dsseOutcomes = new WeakMap<LoadedBundle, SignatureOutcome>();

  constructor(private readonly options: VerifyOptions) {
    this.signatures = new SignatureChecks(options.trust, options.requireTlog);
  }

  /** Bundles this run gave to @sigstore/verify, and checks it answered from an earlier outcome. */
  get signatureCounts(): { verified: number; reused: number } {
    return { ...this.signatures.counts };
  }

  private outcome(loaded: LoadedBundle, artifact?: Buffer): SignatureOutcome {
    const result = this.signatures.check(loaded.bundle, artifact);
    return result.ok
      ? { ok: true, evidence: evidenceOf(loaded, signerOf(loaded.bundle, result.signer.identity)) }
      : result;
  }

  private dsseOutcome(loaded: LoadedBundle): SignatureOutcome {
    let outcome = this.dsseOutcomes.get(loaded);
    if (!outcome) {
      outcome = this.outcome(loaded);
      this.dsseOutcomes.set(loaded, outcome);
    }
    return outcome;
  }

  /**
   * Statement of a DSSE bundle read before verification, to know whether it concerns an
   * artifact. Read whatever payloadType the envelope declares, so that a statement whose
   * declared type was changed is reported as that, not as a bundle about something else.
   * Read once per bundle: every artifact of a run is compared with every bundle.
   */
  private statementOf(loaded: LoadedBundle): Statement | undefined {
    let statement = this.statements.get(loaded);
    if (statement === undefined) {
      const b = loaded.bundle;
      const parsed = isBundleWithDsseEnvelope(b) ? parseStatement(b.content.dsseEnvelope.payload) : undefined;
      statement = parsed?.ok ? parsed.statement : null;
      this.statements.set(loaded, statement);
    }
    return statement ?? undefined;
  }

  /** The DSSE payloadType when it is not in-toto's: the signature covers it, the statement must declare it. */
  private static foreignPayloadType(loaded: LoadedBundle): string | undefined {
    const b = loaded.bundle;
    return isBundleWithDsseEnvelope(b) && b.content.dsseEnvelope.payloadType !== IN_TOTO_PAYLOAD_TYPE
      ? b.content.dsseEnvelope.payloadType || '(empty)'
      : undefined;
  }

  /**
   * An artifact's verdict. `problems` are bundle files that could not be read: any one of
   * them may be the attestation that covers this artifact, so each fails it.
   */
  async verifyArtifact(
    artifact: ArtifactInput,
    bundles: readonly LoadedBundle[],
    problems: readonly BundleProblem[] = [],
  ): Promise<ArtifactReport> {
    const { policy } = this.options;
    const checks: ArtifactReport['checks'] = [];
    const failures: Failure[] = [];
    const fail = (bundle: string | undefined, check: string, expected: string, found: string): void => {
      failures.push({ artifact: artifact.name, ...(bundle ? { bundle } : {}), check, expected, found });
      checks.push({ bundle: bundle ?? '', check, ok: false, expected, found });
    };
    let accepted: BundleEvidence | undefined;
    let candidate: BundleEvidence | undefined;
    let broken = problems.length > 0;
    let relevant = 0;
    const seenTypes = new Set<string>();
    const notChecked: NotChecked[] = [];
    for (const p of problems) fail(p.bundle, 'bundle', p.expected, p.found);

    for (const loaded of bundles) {
      const statement = this.statementOf(loaded);
      const md = messageDigestOf(loaded.bundle);
      const covers = statement
        ? subjectMatches(statement, artifact.digests)
        : md
          ? artifact.digests[md.algorithm as keyof Digests] === md.hex
          : false;
      if (!covers) continue;
      relevant++;
      const foreign = ProvenanceVerifier.foreignPayloadType(loaded);
      if (foreign !== undefined) {
        fail(loaded.source, 'payload-type', IN_TOTO_PAYLOAD_TYPE, foreign);
        broken = true;
        continue;
      }
      const declared = statement?.predicateType ?? loaded.declaredPredicateType;
      seenTypes.add(declared ?? 'a message signature (no predicate)');
      const primary = predicateTypeMatches(policy, statement ? declared : undefined);
      if (
        !primary &&
        this.options.hasPublicKeys === false &&
        loaded.bundle.verificationMaterial.content.$case === 'publicKey'
      ) {
        notChecked.push({
          bundle: loaded.source,
          predicateType: declared ?? 'a message signature (no predicate)',
          reason: 'no registry keys',
        });
        continue;
      }
      let outcome: SignatureOutcome;
      if (md) {
        const bytes = artifact.bytes ? await artifact.bytes() : undefined;
        outcome = bytes
          ? this.outcome(loaded, bytes)
          : {
              ok: false,
              code: 'ARTIFACT_UNAVAILABLE',
              message: 'the artifact bytes are needed to check a message signature',
            };
      } else outcome = this.dsseOutcome(loaded);
      if (!outcome.ok) {
        fail(
          loaded.source,
          'signature',
          'a valid Sigstore signature (certificate chain, transparency log / timestamp, payload)',
          `${outcome.code}: ${outcome.message}`,
        );
        broken = true;
        continue;
      }
      checks.push({ bundle: loaded.source, check: 'signature', ok: true, expected: 'valid', found: 'valid' });
      checks.push({
        bundle: loaded.source,
        check: 'subject-digest',
        ok: true,
        expected: describeDigests(artifact.digests),
        found: statement ? describeSubjects(statement) : `${md?.algorithm}:${md?.hex}`,
      });
      if (!primary) continue;
      candidate ??= outcome.evidence;
      const results = evaluatePolicy(
        policy,
        outcome.evidence.signer,
        outcome.evidence.predicateType,
        outcome.evidence.provenance,
        this.options.explicitIssuer ?? false,
      );
      for (const r of results) {
        if (r.ok) checks.push({ bundle: loaded.source, ...r });
        else fail(loaded.source, r.check, r.expected, r.found);
      }
      if (results.every((r) => r.ok) && !accepted) accepted = outcome.evidence;
    }

    if (relevant === 0 && problems.length === 0) {
      const subjects = bundles
        .map((b) => this.statementOf(b))
        .filter((s): s is Statement => s !== undefined)
        .map(describeSubjects);
      fail(
        undefined,
        'subject-digest',
        `a bundle whose subject is ${describeDigests(artifact.digests)}`,
        subjects.length > 0
          ? `subjects ${subjects.join(' | ')}`
          : `${bundles.length} bundle(s), none covering this artifact`,
      );
    } else if (!accepted && failures.length === 0) {
      fail(undefined, 'predicate-type', describePredicatePolicy(policy), `only ${[...seenTypes].join(', ')}`);
    }
    const verdict = accepted && !broken ? 'verified' : 'failed';
    return {
      artifact: artifact.name,
      digests: artifact.digests,
      verdict,
      ...((accepted ?? candidate) ? { evidence: accepted ?? candidate } : {}),
      failures: verdict === 'verified' ? [] : failures,
      checks,
      ...(notChecked.length > 0 ? { notChecked } : {}),
    };
  }

  /** A bundle file that could not be read, reported on its own when no artifact is given. */
  static unreadable(problem: BundleProblem): ArtifactReport {
    const name = problem.bundle ?? '(bundle)';
    return {
      artifact: name,
      digests: {},
      verdict: 'failed',
      failures: [{ artifact: name, ...problem, check: 'bundle' }],
      checks: [{ bundle: name, check: 'bundle', ok: false, expected: problem.expected, found: problem.found }],
    };
  }

  /** A bundle verified on its own (no artifact given): signature and policy only. */
  verifyStandalone(loaded: LoadedBundle): ArtifactReport {
    const statement = this.statementOf(loaded);
    const name = statement
      ? statement.subject.map((s) => s.name || Object.values(s.digest)[0] || '').join(', ')
      : loaded.source;
    const failures: Failure[] = [];
    const checks: ArtifactReport['checks'] = [];
    if (!statement) {
      failures.push({
        artifact: name,
        bundle: loaded.source,
        check: 'artifact',
        expected: 'the artifact (a message signature covers bytes, give it in `artifacts`)',
        found: 'no artifact',
      });
      return { artifact: name, digests: {}, verdict: 'failed', failures, checks };
    }
    const foreign = ProvenanceVerifier.foreignPayloadType(loaded);
    if (foreign !== undefined) {
      failures.push({
        artifact: name,
        bundle: loaded.source,
        check: 'payload-type',
        expected: IN_TOTO_PAYLOAD_TYPE,
        found: foreign,
      });
      return { artifact: name, digests: {}, verdict: 'failed', failures, checks };
    }
    const outcome = this.dsseOutcome(loaded);
    if (!outcome.ok) {
      failures.push({
        artifact: name,
        bundle: loaded.source,
        check: 'signature',
        expected: 'a valid Sigstore signature',
        found: `${outcome.code}: ${outcome.message}`,
      });
      return { artifact: name, digests: {}, verdict: 'failed', failures, checks };
    }
    const results = evaluatePolicy(
      this.options.policy,
      outcome.evidence.signer,
      outcome.evidence.predicateType,
      outcome.evidence.provenance,
      this.options.explicitIssuer ?? false,
    );
    for (const r of results) {
      checks.push({ bundle: loaded.source, ...r });
      if (!r.ok)
        failures.push({ artifact: name, bundle: loaded.source, check: r.check, expected: r.expected, found: r.found });
    }
    return {
      artifact: name,
      digests: {},
      verdict: failures.length === 0 ? 'verified' : 'failed',
      ...(failures.length === 0 ? { evidence: outcome.evidence } : {}),
      failures,
      checks,
    };
  }
}

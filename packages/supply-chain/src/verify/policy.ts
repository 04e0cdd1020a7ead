import type { FulcioExtensions } from '../fulcio-extensions.js';
import { SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1 } from '../slsa.js';
import { matchesPattern } from './glob.js';
import { normaliseRepository, type ProvenanceFacts } from './provenance.js';

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** What the caller requires of every artifact's attestation. */
export interface Policy {
  /** `slsa-provenance` (v0.2 or v1), `any` (any signed bundle, message signatures too) or a predicate type URI. */
  predicateType: string;
  sourceRepository?: string;
  /** Exact ref or glob (`refs/tags/v*`). */
  sourceRef?: string;
  /** Source commit (full SHA) the artifact must be built from. */
  sourceDigest?: string;
  /** Events allowed to have triggered the build (push, release, workflow_dispatch…). */
  workflowTriggers?: string[];
  /** Exact builder id; without `@…` any version of that builder. Globs allowed. */
  builderId?: string;
  /** The workflow that signed: `owner/repo/.github/workflows/x.yml` (any ref) or with `@ref`. */
  signerWorkflow?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: RegExp;
  certificateOidcIssuer: string;
}

/** Who signed a bundle, as the verified certificate or key says. */
export type SignerFacts =
  | { type: 'certificate'; subjectAlternativeName: string; issuer: string; extensions: FulcioExtensions }
  | { type: 'public-key'; hint: string };

export interface Check {
  check: string;
  ok: boolean;
  expected: string;
  found: string;
}

const ABSENT = '(absent)';

export function predicateTypeMatches(policy: Policy, predicateType: string | undefined): boolean {
  if (policy.predicateType === 'any') return true;
  if (predicateType === undefined) return false;
  if (policy.predicateType === 'slsa-provenance')
    return predicateType === SLSA_PROVENANCE_V1 || predicateType === SLSA_PROVENANCE_V02;
  return policy.predicateType === predicateType;
}

export function describePredicatePolicy(policy: Policy): string {
  return policy.predicateType === 'slsa-provenance'
    ? `${SLSA_PROVENANCE_V1} or ${SLSA_PROVENANCE_V02}`
    : policy.predicateType;
}

/** The signer workflow without its ref, as `https://github.com/owner/repo/path`. */
function workflowIdentity(text: string): { base: string; ref?: string } {
  const at = text.indexOf('@');
  const base = at < 0 ? text : text.slice(0, at);
  return { base: normaliseRepository(base), ...(at < 0 ? {} : { ref: text.slice(at + 1) }) };
}

function matchWorkflow(expected: string, found: string): boolean {
  const e = workflowIdentity(expected);
  const f = workflowIdentity(found);
  const baseOk = matchesPattern(e.base, f.base);
  return baseOk && (e.ref === undefined || (f.ref !== undefined && matchesPattern(e.ref, f.ref)));
}

function matchBuilder(expected: string, found: string): boolean {
  if (matchesPattern(expected, found)) return true;
  // slsa-verifier: a builder id without @version accepts any version of that builder.
  return !expected.includes('@') && matchesPattern(expected, found.replace(/@[^@]*$/, ''));
}

/** The certificate's source repository: v2 extension, else the v1 GitHub repository extension. */
export function certificateSource(ext: FulcioExtensions): {
  repository?: string;
  ref?: string;
  digest?: string;
  workflowPath?: string;
} {
  const config = ext.buildConfigURI
    ? /^https:\/\/[^/]+\/[^/]+\/[^/]+\/(.+?)@/.exec(ext.buildConfigURI)?.[1]
    : undefined;
  const repo =
    ext.sourceRepositoryURI ??
    (ext.githubWorkflowRepository ? `https://github.com/${ext.githubWorkflowRepository}` : undefined);
  return {
    ...(repo ? { repository: normaliseRepository(repo) } : {}),
    ...((ext.sourceRepositoryRef ?? ext.githubWorkflowRef)
      ? { ref: ext.sourceRepositoryRef ?? ext.githubWorkflowRef }
      : {}),
    ...((ext.sourceRepositoryDigest ?? ext.githubWorkflowSha)
      ? { digest: ext.sourceRepositoryDigest ?? ext.githubWorkflowSha }
      : {}),
    ...(config ? { workflowPath: config } : {}),
  };
}

/**
 * Every policy check for one bundle whose signature already verified. A reusable-workflow
 * builder (slsa-github-generator) signs with its own workflow identity, so the source
 * repository and ref are taken from the certificate's source extensions, never from the SAN.
 */
export function evaluatePolicy(
  policy: Policy,
  signer: SignerFacts,
  predicateType: string | undefined,
  provenance: ProvenanceFacts | undefined,
  explicitIssuer: boolean,
): Check[] {
  const checks: Check[] = [];
  const cert = signer.type === 'certificate' ? signer : undefined;
  const keyFound = signer.type === 'public-key' ? `a public key (hint ${signer.hint}), no certificate` : ABSENT;

  checks.push({
    check: 'predicate-type',
    ok: predicateTypeMatches(policy, predicateType),
    expected: describePredicatePolicy(policy),
    found: predicateType ?? 'a message signature (no predicate)',
  });

  if (cert) {
    checks.push({
      check: 'certificate-oidc-issuer',
      ok: cert.issuer === policy.certificateOidcIssuer,
      expected: policy.certificateOidcIssuer,
      found: cert.issuer || ABSENT,
    });
  } else if (explicitIssuer) {
    checks.push({
      check: 'certificate-oidc-issuer',
      ok: false,
      expected: policy.certificateOidcIssuer,
      found: keyFound,
    });
  }
  if (policy.certificateIdentity !== undefined) {
    checks.push({
      check: 'certificate-identity',
      ok: cert?.subjectAlternativeName === policy.certificateIdentity,
      expected: policy.certificateIdentity,
      found: cert ? cert.subjectAlternativeName || ABSENT : keyFound,
    });
  }
  if (policy.certificateIdentityRegexp !== undefined) {
    const re = policy.certificateIdentityRegexp;
    checks.push({
      check: 'certificate-identity-regexp',
      ok: cert !== undefined && re.test(cert.subjectAlternativeName),
      expected: `matches /${re.source}/`,
      found: cert ? cert.subjectAlternativeName || ABSENT : keyFound,
    });
  }
  if (policy.signerWorkflow !== undefined) {
    const found = cert ? (cert.extensions.buildSignerURI ?? cert.subjectAlternativeName) : undefined;
    checks.push({
      check: 'signer-workflow',
      ok: found !== undefined && matchWorkflow(policy.signerWorkflow, found),
      expected: policy.signerWorkflow,
      found: found ?? keyFound,
    });
  }

  const certSource = cert ? certificateSource(cert.extensions) : undefined;
  if (policy.sourceRepository !== undefined) {
    const expected = normaliseRepository(policy.sourceRepository);
    if (cert) {
      const found = certSource?.repository;
      checks.push({
        check: 'source-repository (certificate)',
        ok: found !== undefined && matchesPattern(expected, found),
        expected,
        found: found ?? ABSENT,
      });
    }
    if (provenance || !cert) {
      const found = provenance?.sourceRepository;
      checks.push({
        check: 'source-repository (provenance)',
        ok: found !== undefined && matchesPattern(expected, found),
        expected,
        found: found ?? (provenance ? ABSENT : 'no SLSA provenance predicate'),
      });
    }
  }
  if (policy.sourceRef !== undefined) {
    const expected = policy.sourceRef;
    if (cert) {
      const found = certSource?.ref;
      checks.push({
        check: 'source-ref (certificate)',
        ok: found !== undefined && matchesPattern(expected, found),
        expected,
        found: found ?? ABSENT,
      });
    }
    if (provenance || !cert) {
      const found = provenance?.sourceRef;
      checks.push({
        check: 'source-ref (provenance)',
        ok: found !== undefined && matchesPattern(expected, found),
        expected,
        found: found ?? (provenance ? ABSENT : 'no SLSA provenance predicate'),
      });
    }
  }
  if (policy.sourceDigest !== undefined) {
    const expected = policy.sourceDigest.toLowerCase();
    if (cert) {
      const found = certSource?.digest;
      checks.push({ check: 'source-digest (certificate)', ok: found === expected, expected, found: found ?? ABSENT });
    }
    if (provenance || !cert) {
      const found = provenance?.sourceDigest;
      checks.push({
        check: 'source-digest (provenance)',
        ok: found === expected,
        expected,
        found: found ?? (provenance ? ABSENT : 'no SLSA provenance predicate'),
      });
    }
  }
  if (policy.workflowTriggers !== undefined && policy.workflowTriggers.length > 0) {
    const found = cert ? (cert.extensions.buildTrigger ?? cert.extensions.githubWorkflowTrigger) : undefined;
    checks.push({
      check: 'workflow-trigger',
      ok: found !== undefined && policy.workflowTriggers.includes(found),
      expected: `one of ${policy.workflowTriggers.join(', ')}`,
      found: found ?? (cert ? ABSENT : keyFound),
    });
  }
  // The provenance must describe the build the certificate vouches for (slsa-verifier does the same):
  // a valid signature over provenance of another repository, commit or workflow is refused.
  if (cert && provenance && certSource) {
    const pairs: [string, string | undefined, string | undefined][] = [
      ['repository', certSource.repository, provenance.sourceRepository],
      ['ref', certSource.ref, provenance.sourceRef],
      ['digest', certSource.digest, provenance.sourceDigest],
      ['workflow', certSource.workflowPath, provenance.workflowPath],
    ];
    for (const [what, fromCert, fromProvenance] of pairs) {
      if (fromCert === undefined || fromProvenance === undefined) continue;
      checks.push({
        check: `provenance matches certificate (${what})`,
        ok: fromCert === fromProvenance,
        expected: `${fromCert} (certificate)`,
        found: `${fromProvenance} (provenance)`,
      });
    }
  }
  if (policy.builderId !== undefined) {
    const found = provenance?.builderId;
    checks.push({
      check: 'builder-id',
      ok: found !== undefined && matchBuilder(policy.builderId, found),
      expected: policy.builderId,
      found: found ?? (provenance ? ABSENT : 'no SLSA provenance predicate'),
    });
  }
  return checks;
}

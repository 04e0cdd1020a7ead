/**
 * Fulcio certificate extensions (OIDs under 1.3.6.1.4.1.57264.1). The v1 ones (.1–.6) hold
 * raw strings; the v2 ones (.8–.22) hold a DER UTF8String — both are decoded here.
 */
export const FULCIO_OIDS = {
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  githubWorkflowTrigger: '1.3.6.1.4.1.57264.1.2',
  githubWorkflowSha: '1.3.6.1.4.1.57264.1.3',
  githubWorkflowName: '1.3.6.1.4.1.57264.1.4',
  githubWorkflowRepository: '1.3.6.1.4.1.57264.1.5',
  githubWorkflowRef: '1.3.6.1.4.1.57264.1.6',
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerURI: '1.3.6.1.4.1.57264.1.9',
  buildSignerDigest: '1.3.6.1.4.1.57264.1.10',
  runnerEnvironment: '1.3.6.1.4.1.57264.1.11',
  sourceRepositoryURI: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryIdentifier: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerURI: '1.3.6.1.4.1.57264.1.16',
  sourceRepositoryOwnerIdentifier: '1.3.6.1.4.1.57264.1.17',
  buildConfigURI: '1.3.6.1.4.1.57264.1.18',
  buildConfigDigest: '1.3.6.1.4.1.57264.1.19',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationURI: '1.3.6.1.4.1.57264.1.21',
  sourceRepositoryVisibilityAtSigning: '1.3.6.1.4.1.57264.1.22',
} as const;

export type FulcioExtensionName = keyof typeof FULCIO_OIDS;
export type FulcioExtensions = Partial<Record<FulcioExtensionName, string>>;

const NAME_BY_OID = new Map<string, FulcioExtensionName>(
  (Object.entries(FULCIO_OIDS) as [FulcioExtensionName, string][]).map(([name, oid]) => [oid, name]),
);
const V1_OIDS = new Set<string>([
  FULCIO_OIDS.issuerV1,
  FULCIO_OIDS.githubWorkflowTrigger,
  FULCIO_OIDS.githubWorkflowSha,
  FULCIO_OIDS.githubWorkflowName,
  FULCIO_OIDS.githubWorkflowRepository,
  FULCIO_OIDS.githubWorkflowRef,
]);

/** Decodes a DER UTF8String (tag 0x0c) with a short or long length; null when it is not one. */
function derUtf8(value: Uint8Array): string | null {
  if (value.length < 2 || value[0] !== 0x0c) return null;
  let len = value[1] ?? 0;
  let offset = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3 || value.length < 2 + n) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (value[2 + i] ?? 0);
    offset = 2 + n;
  }
  if (offset + len !== value.length) return null;
  return Buffer.from(value.subarray(offset)).toString('utf8');
}

export interface OidValue {
  oid?: { id: number[] };
  value: Uint8Array;
}

/** Named Fulcio extensions from the OID/value pairs @sigstore/verify returns for a certificate. */
export function fulcioExtensions(oids: readonly OidValue[]): FulcioExtensions {
  const out: FulcioExtensions = {};
  for (const pair of oids) {
    if (!pair.oid) continue;
    const oid = pair.oid.id.join('.');
    const name = NAME_BY_OID.get(oid);
    if (!name) continue;
    out[name] = V1_OIDS.has(oid)
      ? Buffer.from(pair.value).toString('utf8')
      : (derUtf8(pair.value) ?? Buffer.from(pair.value).toString('utf8'));
  }
  return out;
}

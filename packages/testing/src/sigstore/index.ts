import { generateKeyPairSync, createHash, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  rekorV2Handler,
  tsaHandler,
} from '@sigstore/mock';

/**
 * Local Sigstore for tests: @sigstore/mock's Fulcio, Rekor (v1 and v2 APIs) and TSA behind one
 * HTTP server on 127.0.0.1, a GitHub-style OIDC token endpoint for ACTIONS_ID_TOKEN_REQUEST_URL,
 * and the trusted_root.json of the mock keys so that bundles verify with @sigstore/verify.
 */
export interface SigstoreServices {
  /** Base URL serving Fulcio, Rekor and the TSA (the mock's paths differ, so one base serves all). */
  url: string;
  fulcioURL: string;
  rekorURL: string;
  tsaURL: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN as the runner sets them with `id-token: write`. */
  idTokenRequestURL: string;
  idTokenRequestToken: string;
  /** The trusted root (protobuf-specs JSON) of the mock CA, CT log, Rekor and TSA keys. */
  trustedRoot: Record<string, unknown>;
  /** The claims put in every OIDC token. */
  claims: Record<string, string>;
  /** Every request: method, path (no query) and the Authorization header's scheme. */
  requests: { method: string; path: string; auth: string }[];
  /** Environment for a runner step with `id-token: write`. */
  idTokenEnv(): Record<string, string>;
  close(): Promise<void>;
}

export interface SigstoreOptions {
  /** Overrides of the GitHub OIDC claims (defaults match runBundledAction's GitHub context). */
  claims?: Record<string, string>;
  /** Answer the OIDC endpoint with this status instead of a token (e.g. 403 without id-token permission). */
  oidcStatus?: number;
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** GitHub Actions OIDC claims for the harness's default GitHub context. */
export function defaultGitHubClaims(): Record<string, string> {
  const repository = 'spikeformer/spikeformer-kit';
  const workflowRef = `${repository}/.github/workflows/ci.yml@refs/heads/main`;
  const sha = '0123456789abcdef0123456789abcdef01234567';
  return {
    iss: GITHUB_ISSUER,
    aud: 'sigstore',
    sub: `repo:${repository}:ref:refs/heads/main`,
    repository,
    repository_id: '700000001',
    repository_owner: 'spikeformer',
    repository_owner_id: '100000001',
    repository_visibility: 'public',
    ref: 'refs/heads/main',
    ref_type: 'branch',
    sha,
    event_name: 'push',
    workflow: 'CI',
    workflow_ref: workflowRef,
    workflow_sha: sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: sha,
    run_id: '9000000001',
    run_number: '42',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    actor: 'octocat',
  };
}

function unsignedJwt(claims: Record<string, string | number>): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

function spki(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

function b64(data: ArrayBufferView | Buffer): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

export async function startSigstoreServices(options: SigstoreOptions = {}): Promise<SigstoreServices> {
  const claims = { ...defaultGitHubClaims(), ...options.claims };
  // Fulcio's SAN for GitHub is the job's workflow URI; the mock copies it from this claim.
  claims['workflow_identity'] = `https://github.com/${claims['job_workflow_ref']}`;
  const requestToken = randomBytes(24).toString('hex');
  const start = new Date(Date.now() - 60 * 60 * 1000).toISOString();

  const caKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ctKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tlogKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tsaKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ctLog = await initializeCTLog(ctKey);
  const ca = await initializeCA(caKey, ctLog);
  const tsa = await initializeTSA(tsaKey);
  // The mock's genTime goes through asn1js, which drops trailing zeros of the milliseconds
  // ("…45.12Z"); @sigstore/core accepts only none or exactly three digits, so about one
  // timestamp in ten failed to verify. Whole seconds, as many real TSAs issue them.
  Object.assign(tsa, { getCurrentTime: () => new Date(Math.floor(Date.now() / 1000) * 1000) });

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlog = await initializeTLog(url, tlogKey);
  const handlers = [
    fulcioHandler(ca, { subjectClaim: 'workflow_identity' }),
    rekorHandler(tlog),
    rekorV2Handler(tlog),
    tsaHandler(tsa),
  ];
  const requests: SigstoreServices['requests'] = [];

  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      requests.push({
        method: req.method ?? 'GET',
        path,
        auth: (req.headers.authorization ?? '').split(' ')[0] ?? '',
      });
      void (async () => {
        if (path === '/oidc/token') {
          if (req.headers.authorization !== `Bearer ${requestToken}`) {
            res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad request token"}');
            return;
          }
          if (options.oidcStatus) {
            res.writeHead(options.oidcStatus, { 'content-type': 'application/json' }).end('{"message":"refused"}');
            return;
          }
          const audience = new URL(req.url ?? '/', url).searchParams.get('audience') ?? claims['aud'] ?? '';
          const now = Math.floor(Date.now() / 1000);
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(
              JSON.stringify({ value: unsignedJwt({ ...claims, aud: audience, iat: now, nbf: now, exp: now + 600 }) }),
            );
          return;
        }
        const handler = handlers.find((h) => h.path === path);
        if (!handler || req.method !== 'POST') {
          res.writeHead(404).end();
          return;
        }
        const result = await handler.fn(Buffer.concat(chunks).toString('utf8'));
        const body =
          typeof result.response === 'string'
            ? result.response
            : Buffer.from(result.response.buffer, result.response.byteOffset, result.response.byteLength);
        res.writeHead(result.statusCode, { 'content-type': result.contentType ?? 'text/plain' }).end(body);
      })().catch((e: unknown) => {
        res.writeHead(500).end(e instanceof Error ? e.message : String(e));
      });
    });
  });

  const tlogSpki = Buffer.from(tlog.publicKey);
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: tlogSpki.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: createHash('sha256').update(tlogSpki).digest('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start },
      },
    ],
    ctlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: spki(ctKey.publicKey).toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: b64(ctLog.logID) },
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
        validFor: { start },
      },
    ],
  };

  return {
    url,
    fulcioURL: url,
    rekorURL: url,
    tsaURL: url,
    idTokenRequestURL: `${url}/oidc/token?api-version=2.0`,
    idTokenRequestToken: requestToken,
    trustedRoot,
    claims,
    requests,
    idTokenEnv: () => ({
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

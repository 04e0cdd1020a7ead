import { httpRequest, maskSecret, UserError } from '@spikeformer-actions/core';

/** Why no GitHub OIDC token can be had here, or undefined when the runner offers one. */
export function idTokenUnavailable(env: NodeJS.ProcessEnv): string | undefined {
  if (env['ACT'] === 'true') {
    return 'keyless signing needs a GitHub OIDC token, which act (ACT=true) does not provide; use mode: key with a cosign key for local runs';
  }
  if (!env['ACTIONS_ID_TOKEN_REQUEST_URL'] || !env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
    return 'keyless signing needs a GitHub OIDC token: add `permissions: id-token: write` to the job (and `contents: read`), or use mode: key with a cosign key';
  }
  return undefined;
}

/** The claims of a JWT (not verified: Fulcio verifies the token; we only read our own claims). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const json: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** core.getIDToken(audience): the runner's OIDC token, masked at once. */
export async function getIdToken(audience: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const reason = idTokenUnavailable(env);
  if (reason) throw new UserError(reason);
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] ?? '';
  const url = new URL(env['ACTIONS_ID_TOKEN_REQUEST_URL'] ?? '');
  url.searchParams.set('audience', audience);
  const res = await httpRequest(url.toString(), { headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' }, attempts: 3, secrets: [requestToken] });
  if (res.status !== 200) {
    throw new UserError(`the runner refused the OIDC token request (HTTP ${res.status}); check that the job has \`permissions: id-token: write\`, or use mode: key`);
  }
  const value = (res.json() as { value?: unknown }).value;
  if (typeof value !== 'string' || value === '') throw new UserError('the runner answered the OIDC token request without a token');
  maskSecret(value);
  return value;
}

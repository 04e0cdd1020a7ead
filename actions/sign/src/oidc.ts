import { clip, errorMessage, UserError } from '@spikeformer-actions/core';

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

/**
 * The runner's OIDC token for `audience`, by @actions/core's getIDToken (which masks it). The
 * toolkit is loaded only here, in keyless mode: its HTTP client graph costs start-up that the
 * other modes do not pay.
 */
export async function getIdToken(audience: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const reason = idTokenUnavailable(env);
  if (reason) throw new UserError(reason);
  const { getIDToken } = await import('@actions/core');
  try {
    return await getIDToken(audience);
  } catch (error) {
    throw new UserError(
      `the runner gave no OIDC token (${clip(errorMessage(error).replace(/\s+/g, ' '), 300)}); check that the job has \`permissions: id-token: write\`, or use mode: key`,
    );
  }
}

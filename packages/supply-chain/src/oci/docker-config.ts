import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/**
 * Credentials for a registry from a Docker config.json (`auths.<host>.auth` = base64 user:pass,
 * or username/password, or identitytoken). Credential helpers are not run (they need binaries).
 */
export function credentialsFromDockerConfig(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): RegistryCredentials | undefined {
  const dir = env['DOCKER_CONFIG'] ?? path.join(os.homedir(), '.docker');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const auths = (json as { auths?: Record<string, Record<string, unknown>> }).auths;
  if (!auths || typeof auths !== 'object') return undefined;
  const keys =
    registry === 'docker.io'
      ? ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io']
      : [registry, `https://${registry}`, `http://${registry}`];
  for (const key of keys) {
    const entry = auths[key];
    if (!entry) continue;
    if (typeof entry['auth'] === 'string' && entry['auth'] !== '') {
      const decoded = Buffer.from(entry['auth'], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (typeof entry['username'] === 'string' && typeof entry['password'] === 'string') {
      return { username: entry['username'], password: entry['password'] };
    }
    if (typeof entry['identitytoken'] === 'string') return { username: '<token>', password: entry['identitytoken'] };
  }
  return undefined;
}

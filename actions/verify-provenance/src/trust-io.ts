import os from 'node:os';
import path from 'node:path';
import {
  errorMessage,
  FileError,
  info,
  InputError,
  parseJsonText,
  readTextFile,
  UserError,
  workspaceRelative,
} from '@spikeformer-actions/core';
import {
  buildTrustMaterial,
  npmRegistryKeys,
  parseTrustedRoot,
  pemPublicKey,
  TrustError,
  type TrustedKey,
} from '@spikeformer-actions/supply-chain';
import type { TrustMaterial } from '@sigstore/verify';
import type { TrustedRoot } from '@sigstore/protobuf-specs';

async function loadKeys(files: readonly string[]): Promise<TrustedKey[]> {
  const keys: TrustedKey[] = [];
  for (const file of files) {
    const shown = workspaceRelative(file);
    const text = await readTextFile(file, 1024 * 1024, shown);
    try {
      if (text.trimStart().startsWith('{')) keys.push(...npmRegistryKeys(parseJsonText(text, shown)));
      else keys.push(pemPublicKey(text));
    } catch (e) {
      if (e instanceof TrustError) throw new FileError(shown, e.message);
      throw e;
    }
  }
  return keys;
}

const TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

/**
 * The public-good trusted root (and npm's registry keys, a target of the same repository, as
 * `npm audit signatures` reads them) through Sigstore's TUF repository. A runner that cannot reach
 * it gets one error saying so and how to verify offline, not a bare "fetch failed".
 */
async function publicGoodTrust(
  withNpmKeys: boolean,
): Promise<{ root: TrustedRoot; npmKeys: ReturnType<typeof npmRegistryKeys> }> {
  try {
    // Loaded only here so that offline runs never load the TUF client at all.
    const { initTUF } = await import('@sigstore/tuf');
    const cachePath = path.join(process.env['RUNNER_TEMP'] ?? os.tmpdir(), 'sigstore-tuf-cache');
    const tuf = await initTUF({ mirrorURL: TUF_MIRROR, cachePath, timeout: 30_000, retry: 2 });
    const root = parseTrustedRoot(JSON.parse(await tuf.getTarget('trusted_root.json')));
    const npmKeys = withNpmKeys
      ? npmRegistryKeys(JSON.parse(await tuf.getTarget('registry.npmjs.org%2Fkeys.json')))
      : [];
    return { root, npmKeys };
  } catch (e) {
    if (e instanceof TrustError)
      throw new UserError(`the Sigstore public-good trusted root from ${TUF_MIRROR} is not usable: ${e.message}`);
    throw new InputError(
      'trusted-root',
      `not given, and the Sigstore public-good trusted root could not be fetched from ${TUF_MIRROR} (${errorMessage(e)}); give a trusted_root.json (e.g. from \`cosign trusted-root create\` or the Sigstore TUF repository) to verify offline`,
    );
  }
}

/**
 * The trust material: the given trusted_root.json (offline: no request at all), or the
 * public-good root through Sigstore's TUF repository.
 */
export async function loadTrust(
  trustedRootFile: string,
  keyFiles: readonly string[],
): Promise<{ trust: TrustMaterial; origin: string; keyCount: number }> {
  const keys = await loadKeys(keyFiles);
  let root: TrustedRoot;
  let origin: string;
  if (trustedRootFile) {
    const shown = workspaceRelative(trustedRootFile);
    try {
      root = parseTrustedRoot(parseJsonText(await readTextFile(trustedRootFile, 16 * 1024 * 1024, shown), shown));
    } catch (e) {
      if (e instanceof TrustError) throw new FileError(shown, e.message);
      throw e;
    }
    origin = `${shown} (offline)`;
  } else {
    info('No trusted-root given: fetching the Sigstore public-good trusted root through TUF');
    const fetched = await publicGoodTrust(keyFiles.length === 0);
    root = fetched.root;
    keys.push(...fetched.npmKeys);
    origin = 'Sigstore public-good (TUF)';
  }
  return { trust: buildTrustMaterial(root, keys), origin, keyCount: keys.length };
}

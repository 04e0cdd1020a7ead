import os from 'node:os';
import path from 'node:path';
import { FileError, info, parseJsonText, readTextFile, workspaceRelative } from '@spikeformer-actions/core';
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

/**
 * The trust material: the given trusted_root.json (offline: no request at all), or the
 * public-good root through Sigstore's TUF repository.
 */
export async function loadTrust(trustedRootFile: string, keyFiles: readonly string[]): Promise<{ trust: TrustMaterial; origin: string }> {
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
    // Loaded only here so that offline runs never load the TUF client at all.
    const { initTUF } = await import('@sigstore/tuf');
    const cachePath = path.join(process.env['RUNNER_TEMP'] ?? os.tmpdir(), 'sigstore-tuf-cache');
    info('No trusted-root given: fetching the Sigstore public-good trusted root through TUF');
    const tuf = await initTUF({ cachePath, timeout: 30_000, retry: 2 });
    root = parseTrustedRoot(JSON.parse(await tuf.getTarget('trusted_root.json')));
    if (keyFiles.length === 0) {
      // npm's registry keys are a target of the same TUF repository (as `npm audit signatures` reads them).
      keys.push(...npmRegistryKeys(JSON.parse(await tuf.getTarget('registry.npmjs.org%2Fkeys.json'))));
    }
    origin = 'Sigstore public-good (TUF)';
  }
  return { trust: buildTrustMaterial(root, keys), origin };
}

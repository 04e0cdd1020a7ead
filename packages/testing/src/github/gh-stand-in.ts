import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Writes a `gh` (see gh-api-cli.ts) into a fresh folder and returns the folder, to put first on
 * PATH of a workflow step's script; it sends `gh api` requests to GITHUB_API_URL.
 */
export function installGhStandIn(node = process.execPath): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // lib/ holds the compiled program; tests that import src/ run the TypeScript with Node's type stripping.
  const program = [path.join(here, 'gh-api-cli.js'), path.join(here, 'gh-api-cli.ts')].find((p) => existsSync(p));
  if (!program) throw new Error(`gh-api-cli is missing next to ${here}`);
  const bin = path.join(mkdtempSync(path.join(tmpdir(), 'gh-stand-in-')), 'bin');
  mkdirSync(bin);
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(path.join(bin, 'gh'), `#!/bin/sh\nexec ${quote(node)} ${quote(program)} "$@"\n`);
  chmodSync(path.join(bin, 'gh'), 0o755);
  return bin;
}

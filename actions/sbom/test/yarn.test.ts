import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readLockfile } from '../src/readers/index.js';
import { type CdxBom, dataDir, expectValidCycloneDx, generateFor, lockfile, parseBom } from './helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe('yarn.lock v1 (vercel/hyper fixture)', () => {
  const file = lockfile('yarn/yarn.lock');
  const text = readFileSync(file, 'utf8');
  let bom: CdxBom;
  beforeAll(async () => {
    const { serialized } = await generateFor([file]);
    await expectValidCycloneDx(serialized.text);
    bom = parseBom(serialized.text);
  });

  it('has one component per resolved name@version (cdxgen: 1,218) with its integrity', () => {
    // Independent reading: each entry header's first descriptor name, its version and integrity lines.
    const entries = text.split(/\n(?=\S)/).filter((b) => /^"?[^#\s]/.test(b) && b.includes('\n  version '));
    const expected = new Map<string, string | undefined>();
    for (const e of entries) {
      const first = (e.split('\n')[0] ?? '').replace(/^"/, '');
      // An alias ("string-width-cjs@npm:string-width@^4.2.0") installs the package named after npm:.
      const alias = /^[^@]+@npm:((?:@[^/]+\/)?[^@]+)@/.exec(first)?.[1];
      const name = alias ?? first.slice(0, first.indexOf('@', first.startsWith('@') ? 1 : 0));
      const version = /\n {2}version "([^"]+)"/.exec(e)?.[1] ?? '';
      const integrity = /\n {2}integrity (\S+)/.exec(e)?.[1];
      expected.set(`pkg:npm/${name.replace(/^@/, '%40')}@${version}`, integrity);
    }
    expect(expected.size).toBe(1218);
    // Purls without qualifiers: a package fetched from a tarball URL carries download_url (mousetrap, from GitHub).
    const ours = new Map(bom.components.map((c) => [(c.purl ?? '').replace(/\?.*$/, ''), c]));
    expect(new Set(ours.keys())).toEqual(new Set(expected.keys()));
    expect(ours.get('pkg:npm/mousetrap@1.6.1')?.purl).toMatch(
      /\?download_url=https%3A%2F%2Fcodeload\.github\.com%2Fchabou%2Fmousetrap/,
    );
    let hashed = 0;
    for (const [purl, integrity] of expected) {
      if (integrity === undefined) continue;
      const [alg = '', b64 = ''] = integrity.split('-', 2);
      const hex = Buffer.from(b64, 'base64').toString('hex');
      expect(ours.get(purl)?.hashes, purl).toContainEqual({
        alg: alg === 'sha512' ? 'SHA-512' : 'SHA-1',
        content: hex,
      });
      hashed++;
    }
    expect(hashed).toBe(1217); // one entry has no integrity line (cdxgen: 1,217 hashes too)
  });

  it('resolves dependencies through the descriptors and scopes devDependencies by reachability', () => {
    const pkg = JSON.parse(readFileSync(lockfile('yarn/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const root = bom.dependencies.find((d) => d.ref === bom.metadata.component?.['bom-ref']);
    expect(root?.dependsOn?.length).toBe(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).length);
    const edges = bom.dependencies.reduce((n, d) => n + (d.dependsOn?.length ?? 0), 0);
    expect(edges).toBeGreaterThan(2000);
    const electron = bom.components.find((c) => c.name === 'electron');
    expect(Object.keys(pkg.devDependencies)).toContain('electron');
    expect(electron?.scope).toBe('excluded');
    const runtimeDep = Object.keys(pkg.dependencies)[0] ?? '';
    expect(bom.components.find((c) => (c.group ? `${c.group}/${c.name}` : c.name) === runtimeDep)?.scope).toBe(
      'required',
    );
  });
});

describe('yarn.lock berry (project-written)', () => {
  it('reads descriptors with npm:, workspace and patch protocols; checksum kept as a property', async () => {
    const report = await readLockfile(path.join(dataDir, 'yarn-berry/yarn.lock'), 'yarn-berry/yarn.lock', dataDir);
    expect(report.format).toBe('yarn.lock berry (__metadata.version 8)');
    const byName = new Map(report.packages.map((p) => [p.name, p]));
    expect([...byName.keys()].sort()).toEqual(['@demo/lib', 'js-tokens', 'loose-envify', 'resolve', 'typescript']);
    expect(byName.get('loose-envify')?.dependsOn).toEqual(['pkg:npm/js-tokens@4.0.0']);
    expect(byName.get('loose-envify')?.properties).toContainEqual([
      'spikeformer:yarn:checksum',
      '10/6bd2ec9de65d8b1cf3a2a3c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8',
    ]);
    expect(byName.get('@demo/lib')?.source).toEqual({ kind: 'workspace', url: 'packages/lib' });
    expect(byName.get('typescript')?.dev).toBe(true);
    expect(byName.get('loose-envify')?.dev).toBe(false);
    expect(byName.get('resolve')?.properties).toContainEqual(['spikeformer:yarn:patched', 'true']);
    // The workspace's version is "0.0.0-use.local" in the lock: no version in its purl.
    expect(report.root.dependsOn.sort()).toEqual([
      'pkg:npm/%40demo/lib',
      'pkg:npm/loose-envify@1.4.0',
      'pkg:npm/resolve@1.22.8',
      'pkg:npm/typescript@5.4.5',
    ]);
    expect(report.unresolved).toEqual([]);
  });

  it('errors name the line of a malformed classic entry', async () => {
    await expect(readLockfile(path.join(dataDir, 'yarn-bad/yarn.lock'), 'yarn-bad/yarn.lock', dataDir)).rejects.toThrow(
      'yarn-bad/yarn.lock:7: unexpected indentation (6 spaces)',
    );
  });
});

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Generated } from '../src/pipeline.js';
import { allHashes, dataDir, expectValidCycloneDx, generateFor, lockfile, parseBom } from './helpers.js';
import { readLockfile } from '../src/readers/index.js';
import path from 'node:path';

// Whole-lockfile runs on a shared 2-core machine: generous, bounded.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/** cdxgen 12.8.4 on this lockfile: 1178 unique purls (docs/reference/supply-chain.md §4). */
const CDXGEN_NPM_PURLS = 1178;

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  dependencies?: Record<string, string>;
}

/** Independent of the reader: every install path's package as pkg:npm purl text. */
function lockPurls(lock: { packages: Record<string, LockEntry> }, useAliasTarget: boolean): Set<string> {
  const out = new Set<string>();
  for (const [p, e] of Object.entries(lock.packages)) {
    if (p === '' || e.link) continue;
    const pathName = p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const name = useAliasTarget ? (e.name ?? pathName) : pathName;
    out.add(`pkg:npm/${name.replace(/^@/, '%40')}@${e.version ?? ''}`);
  }
  return out;
}

describe('package-lock.json v3 (npm/cli large-install fixture)', () => {
  const file = lockfile('npm/package-lock.json');
  const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, LockEntry> };
  let generated: Generated;
  beforeAll(async () => {
    generated = await generateFor([file]);
  });

  it('has exactly the lockfile packages as purls, which is also cdxgen’s unique set of 1,178', async () => {
    const { serialized } = generated;
    const bom = parseBom(serialized.text);
    const ours = new Set(bom.components.map((c) => c.purl));
    const expected = lockPurls(lock, true);
    expect(ours).toEqual(expected);
    expect(ours.size).toBe(CDXGEN_NPM_PURLS);
    const cdxgen = JSON.parse(readFileSync(path.join(dataDir, 'cdxgen-12.8.4/npm.json'), 'utf8')) as {
      components: Array<{ purl: string }>;
      edgeCount: number;
    };
    expect(ours).toEqual(new Set(cdxgen.components.map((c) => c.purl)));
    // The notes' "1181 unique name@version" counts by install-path name: three aliases
    // (string-width-cjs, strip-ansi-cjs, wrap-ansi-cjs → npm:string-width@4.2.3 …) name the same packages.
    const byPath = lockPurls(lock, false);
    expect(byPath.size).toBe(1181);
    expect([...byPath].filter((p) => !ours.has(p)).sort()).toEqual([
      'pkg:npm/string-width-cjs@4.2.3',
      'pkg:npm/strip-ansi-cjs@6.0.1',
      'pkg:npm/wrap-ansi-cjs@7.0.0',
    ]);
  });

  it('carries every integrity hash as SHA-512 hex and marks dev-only packages excluded', async () => {
    const { serialized } = generated;
    const bom = parseBom(serialized.text);
    const byPurl = new Map(bom.components.map((c) => [c.purl, c]));
    let checked = 0;
    const devEverywhere = new Map<string, boolean>();
    const optionalEverywhere = new Map<string, boolean>();
    for (const [p, e] of Object.entries(lock.packages)) {
      if (p === '' || !e.integrity) continue;
      const name = e.name ?? p.slice(p.lastIndexOf('node_modules/') + 13);
      const purl = `pkg:npm/${name.replace(/^@/, '%40')}@${e.version ?? ''}`;
      const hex = Buffer.from(e.integrity.replace(/^sha512-/, ''), 'base64').toString('hex');
      expect(allHashes(byPurl.get(purl) ?? { type: '', name: '' })).toContain(`SHA-512:${hex}`);
      devEverywhere.set(purl, (devEverywhere.get(purl) ?? true) && e.dev === true);
      optionalEverywhere.set(
        purl,
        (optionalEverywhere.get(purl) ?? true) && (e.optional === true || e.devOptional === true),
      );
      checked++;
    }
    expect(checked).toBe(1306);
    // Scope as npm installs: dev-only is not shipped; devOptional/optional everywhere is optional.
    for (const [purl, dev] of devEverywhere) {
      expect(byPurl.get(purl)?.scope, purl).toBe(
        dev ? 'excluded' : optionalEverywhere.get(purl) ? 'optional' : 'required',
      );
    }
    expect(bom.components.filter((c) => c.scope === 'excluded').length).toBeGreaterThan(900);
    await expectValidCycloneDx(serialized.text);
  });

  it('builds the dependency graph the way Node resolves (nearest node_modules), matching cdxgen’s 2,541 edges', async () => {
    const { serialized } = generated;
    const bom = parseBom(serialized.text);
    const edges = bom.dependencies.reduce((n, d) => n + (d.dependsOn?.length ?? 0), 0);
    expect(edges).toBe(2541);
    expect(bom.dependencies).toHaveLength(1179);
    // A nested copy wins over the hoisted one: check one such case independently.
    const nested = Object.keys(lock.packages).find(
      (p) => /^node_modules\/[^/]+\/node_modules\/[^/]+$/.test(p) && !lock.packages[p]?.name,
    );
    expect(nested).toBeDefined();
    const parentPath = nested?.replace(/\/node_modules\/[^/]+$/, '') ?? '';
    const childName = nested?.slice(nested.lastIndexOf('/') + 1) ?? '';
    const parent = lock.packages[parentPath];
    const child = lock.packages[nested ?? ''];
    const parentRef = `pkg:npm/${parentPath.slice(13).replace(/^@/, '%40')}@${parent?.version ?? ''}`;
    const childRef = `pkg:npm/${childName}@${child?.version ?? ''}`;
    if (parent?.dependencies?.[childName] !== undefined) {
      expect(bom.dependencies.find((d) => d.ref === parentRef)?.dependsOn).toContain(childRef);
    }
  });
});

describe('package-lock.json v1 and v2 (project-written)', () => {
  it('reads v1’s nested tree: aliases, git dependencies, sha1 integrity, requires → graph', async () => {
    const report = await readLockfile(
      path.join(dataDir, 'npm-v1/package-lock.json'),
      'npm-v1/package-lock.json',
      dataDir,
    );
    expect(report.format).toBe('package-lock lockfileVersion 1');
    const byName = new Map(report.packages.map((p) => [`${p.name}@${p.version ?? ''}`, p]));
    expect([...byName.keys()].sort()).toEqual([
      'debug@3.2.7',
      'left-pad@',
      'ms@2.0.0',
      'ms@2.1.3',
      'string-width@4.2.3',
    ]);
    expect(byName.get('string-width@4.2.3')?.purl).toBe('pkg:npm/string-width@4.2.3');
    expect(byName.get('left-pad@')?.source?.kind).toBe('vcs');
    expect(byName.get('left-pad@')?.purl).toMatch(/^pkg:npm\/left-pad\?vcs_url=git%2Bssh/);
    expect(byName.get('ms@2.0.0')?.hashes).toEqual([
      { alg: 'SHA-1', content: '5608aeadfc00be6c2901df5f9861788de0d597c8' },
    ]);
    // debug requires ms@2.0.0 nested under it, not the hoisted 2.1.3.
    const debug = byName.get('debug@3.2.7');
    expect(debug?.dependsOn).toEqual(['pkg:npm/ms@2.0.0']);
    expect(debug?.dev).toBe(true);
    expect(byName.get('ms@2.0.0')?.dev).toBe(true);
    expect(report.root.dependsOn.sort()).toEqual(
      ['debug@3.2.7', 'left-pad@', 'ms@2.1.3', 'string-width@4.2.3'].map((k) => byName.get(k)?.id).sort(),
    );
  });

  it('reads v2 (both maps) from "packages", with workspaces linked', async () => {
    const report = await readLockfile(
      path.join(dataDir, 'npm-v2/package-lock.json'),
      'npm-v2/package-lock.json',
      dataDir,
    );
    expect(report.format).toBe('package-lock lockfileVersion 2');
    const app = report.packages.find((p) => p.name === '@demo/app');
    expect(app?.source?.kind).toBe('workspace');
    expect(app?.dependsOn).toEqual(['pkg:npm/is-number@7.0.0']);
    expect(report.root.dependsOn).toContain(app?.id);
    expect(report.packages.find((p) => p.name === 'is-number')?.licenses).toEqual(['MIT']);
  });

  it('names the file and line of malformed JSON and of an unknown lockfileVersion', async () => {
    await expect(
      readLockfile(path.join(dataDir, 'bad/package-lock.json'), 'bad/package-lock.json', dataDir),
    ).rejects.toThrow(/^bad\/package-lock\.json:4:\d+: invalid JSON/);
    await expect(
      readLockfile(path.join(dataDir, 'future/package-lock.json'), 'future/package-lock.json', dataDir),
    ).rejects.toThrow('future/package-lock.json:3: unsupported lockfileVersion 4 (this action reads 1, 2 and 3)');
  });
});

describe('where an npm package came from, in its purl', () => {
  it('adds repository_url for a non-default registry, download_url for other tarballs, vcs_url for git', async () => {
    const { npmPackagePurl, npmSource } = await import('../src/readers/npm-common.js');
    const purl = (name: string, version: string, resolved: string): string =>
      npmPackagePurl(name, version, npmSource(resolved));
    expect(purl('@types/node', '20.1.0', 'https://registry.npmjs.org/@types/node/-/node-20.1.0.tgz')).toBe(
      'pkg:npm/%40types/node@20.1.0',
    );
    expect(
      purl(
        'lodash',
        '4.17.21',
        'https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c',
      ),
    ).toBe('pkg:npm/lodash@4.17.21');
    expect(purl('lodash', '4.17.21', 'https://npm.corp.example/repository/npm/lodash/-/lodash-4.17.21.tgz')).toBe(
      'pkg:npm/lodash@4.17.21?repository_url=https%3A%2F%2Fnpm.corp.example%2Frepository%2Fnpm',
    );
    expect(purl('mousetrap', '1.6.1', 'https://codeload.github.com/chabou/mousetrap/tar.gz/c95eeeaa')).toBe(
      'pkg:npm/mousetrap@1.6.1?download_url=https%3A%2F%2Fcodeload.github.com%2Fchabou%2Fmousetrap%2Ftar.gz%2Fc95eeeaa',
    );
    expect(npmSource('git+ssh://git@github.com/a/b.git#abc').kind).toBe('vcs');
    expect(npmSource('file:../local').kind).toBe('path');
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Generated } from '../src/pipeline.js';
import { readLockfile } from '../src/readers/index.js';
import { type CdxBom, dataDir, expectValidCycloneDx, generateFor, lockfile, parseBom } from './helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

interface Snapshot {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  optional?: boolean;
}
interface Importer {
  dependencies?: Record<string, { version: string }>;
  devDependencies?: Record<string, { version: string }>;
  optionalDependencies?: Record<string, { version: string }>;
}
interface PnpmLock {
  importers: Record<string, Importer>;
  packages: Record<string, { resolution: { integrity?: string }; peerDependencies?: Record<string, string> }>;
  snapshots: Record<string, Snapshot>;
}
interface CdxgenExtract {
  components: Array<{ purl: string; scope: string | null; dev: boolean }>;
  edges: Array<[string, string]>;
}

/** Independent of the reader: "name@version" key → purl text. */
function keyPurl(key: string): string {
  const bare = key.replace(/\(.*$/, '');
  const at = bare.indexOf('@', bare.startsWith('@') ? 1 : 0);
  return `pkg:npm/${bare.slice(0, at).replace(/^@/, '%40')}@${bare.slice(at + 1)}`;
}

describe('pnpm-lock.yaml v9 (vuejs/core fixture)', () => {
  const file = lockfile('pnpm/pnpm-lock.yaml');
  const lock = parse(readFileSync(file, 'utf8')) as PnpmLock;
  const cdxgen = JSON.parse(readFileSync(path.join(dataDir, 'cdxgen-12.8.4/pnpm.json'), 'utf8')) as CdxgenExtract;
  let generated: Generated;
  let bom: CdxBom;
  beforeAll(async () => {
    generated = await generateFor([file]);
    bom = parseBom(generated.serialized.text);
  });

  /** What the importers' runtime (dependencies + optionalDependencies) reach through snapshots. */
  function runtimeReach(): Set<string> {
    const seen = new Set<string>();
    const stack: string[] = [];
    for (const imp of Object.values(lock.importers)) {
      for (const [name, spec] of Object.entries({ ...imp.dependencies, ...imp.optionalDependencies })) {
        if (!spec.version.startsWith('link:')) stack.push(`${name}@${spec.version}`);
      }
    }
    while (stack.length > 0) {
      const key = stack.pop() ?? '';
      if (seen.has(key)) continue;
      seen.add(key);
      const snap = lock.snapshots[key] ?? {};
      for (const [n, v] of Object.entries({ ...snap.dependencies, ...snap.optionalDependencies }))
        if (!v.startsWith('link:')) stack.push(`${n}@${v}`);
    }
    return new Set([...seen].map(keyPurl));
  }

  it('has one purl per packages entry: the lockfile’s 620, which is also cdxgen’s set', () => {
    const ours = new Set(bom.components.filter((c) => c.purl !== undefined).map((c) => c.purl));
    const expected = new Set(Object.keys(lock.packages).map(keyPurl));
    expect(expected.size).toBe(620);
    expect(ours).toEqual(expected);
    expect(ours).toEqual(new Set(cdxgen.components.map((c) => c.purl)));
    // Difference 1: we also list the 17 workspace importers (no purl: their package.json folders
    // are not in the fixture).
    const importers = bom.components.filter((c) => c.purl === undefined);
    expect(importers.map((c) => c.name).sort()).toEqual(
      Object.keys(lock.importers)
        .filter((p) => p !== '.')
        .sort(),
    );
    for (const [key, entry] of Object.entries(lock.packages)) {
      const c = bom.components.find((x) => x.purl === keyPurl(key));
      const hex = Buffer.from((entry.resolution.integrity ?? '').replace(/^sha512-/, ''), 'base64').toString('hex');
      expect(c?.hashes, key).toEqual([{ alg: 'SHA-512', content: hex }]);
    }
  });

  it('scopes by what the importers’ dependencies reach, where cdxgen marks 576 optional (v9 has no dev flag, cdxgen#1163)', () => {
    const reach = runtimeReach();
    const cdxgenScope = new Map(cdxgen.components.map((c) => [c.purl, c]));
    let differ = 0;
    for (const c of bom.components) {
      if (c.purl === undefined) continue;
      // Our rule, checked independently: required iff reachable from some importer's runtime dependencies.
      const optionalSnapshot = Object.entries(lock.snapshots).some(
        ([k, s]) => keyPurl(k) === c.purl && s.optional === true,
      );
      if (reach.has(c.purl)) expect(c.scope, c.purl).toBe(optionalSnapshot ? 'optional' : 'required');
      else expect(c.scope, c.purl).toBe('excluded');
      const theirs = cdxgenScope.get(c.purl);
      if ((theirs?.scope ?? 'required') !== c.scope) differ++;
    }
    const count = (pred: (c: CdxgenExtract['components'][number]) => boolean): number =>
      cdxgen.components.filter(pred).length;
    // cdxgen: 576 optional (433 of them flagged development), 12 excluded, 32 without scope.
    expect([
      count((c) => c.scope === 'optional'),
      count((c) => c.scope === 'excluded'),
      count((c) => c.scope === null),
    ]).toEqual([576, 12, 32]);
    // Ours: 33 required: cdxgen's 32 unscoped plus @types/trusted-types, which cdxgen excludes because
    // packages/runtime-dom lists it as a devDependency — but dompurify, a runtime dependency, also pulls it in.
    expect(bom.components.filter((c) => c.purl !== undefined && c.scope === 'required').length).toBe(33);
    expect(lock.importers['packages/runtime-dom']?.devDependencies?.['@types/trusted-types']?.version).toBe('2.0.7');
    expect(lock.snapshots['dompurify@3.4.8']?.optionalDependencies?.['@types/trusted-types']).toBe('2.0.7');
    expect(reach.has('pkg:npm/dompurify@3.4.8')).toBe(true);
    expect(cdxgenScope.get('pkg:npm/%40types/trusted-types@2.0.7')?.scope).toBe('excluded');
    expect(differ).toBe(576 + 1);
  });

  it('keeps every cdxgen edge and adds the 159 it drops: snapshot optionalDependencies and the workspace link', () => {
    const ours = new Set(bom.dependencies.flatMap((d) => (d.dependsOn ?? []).map((t) => `${d.ref} ${t}`)));
    for (const [from, to] of cdxgen.edges) expect(ours.has(`${from} ${to}`), `${from} -> ${to}`).toBe(true);
    const theirs = new Set(cdxgen.edges.map(([f, t]) => `${f} ${t}`));
    const extra = [...ours].filter((e) => e.startsWith('pkg:') && !theirs.has(e));
    expect(extra).toHaveLength(159);
    const optionalEdge = (from: string, to: string): boolean =>
      Object.entries(lock.snapshots).some(
        ([k, s]) =>
          keyPurl(k) === from &&
          Object.entries(s.optionalDependencies ?? {}).some(([n, v]) => keyPurl(`${n}@${v}`) === to),
      );
    const unexplained = extra.filter((e) => {
      const [from = '', to = ''] = e.split(' ');
      if (optionalEdge(from, to)) return false;
      // @vitejs/plugin-vue's peer `vue` is the workspace package (link:packages/vue).
      return !(
        to.endsWith('#pnpm-importer:packages/vue') &&
        Object.entries(lock.snapshots).some(
          ([k, s]) => keyPurl(k) === from && s.dependencies?.['vue'] === 'link:packages/vue',
        )
      );
    });
    expect(unexplained).toEqual([]);
  });

  it('validates against CycloneDX 1.6', async () => {
    await expectValidCycloneDx(generated.serialized.text);
  });
});

describe('pnpm-lock.yaml v6 (project-written)', () => {
  it('reads /name@version(peer) keys, dev flags, aliases, git and tarball resolutions', async () => {
    const report = await readLockfile(path.join(dataDir, 'pnpm-v6/pnpm-lock.yaml'), 'pnpm-v6/pnpm-lock.yaml', dataDir);
    expect(report.format).toBe('pnpm-lock lockfileVersion 6.0');
    const byName = new Map(report.packages.map((p) => [p.name, p]));
    expect([...byName.keys()].sort()).toEqual(['ms', 'react', 'react-dom', 'scheduler', 'tiny-lib', 'vitest-lite']);
    expect(report.packages.filter((p) => p.name === 'react-dom')).toHaveLength(1);
    expect(byName.get('react-dom')?.dependsOn.sort()).toEqual(['pkg:npm/react@18.2.0', 'pkg:npm/scheduler@0.23.0']);
    expect(byName.get('vitest-lite')?.dev).toBe(true);
    expect(byName.get('ms')?.dev).toBe(true);
    expect(byName.get('react')?.dev).toBe(false);
    expect(byName.get('tiny-lib')?.source).toEqual({
      kind: 'vcs',
      url: 'git+https://github.com/demo/tiny-lib.git#0123456789abcdef0123456789abcdef01234567',
    });
    expect(report.root.dependsOn.sort()).toEqual(
      ['pkg:npm/ms@2.1.3', 'pkg:npm/react-dom@18.2.0', 'pkg:npm/vitest-lite@1.0.0', byName.get('tiny-lib')?.id].sort(),
    );
  });

  it('refuses lockfileVersion 5.4 with a clear error naming the line', async () => {
    await expect(
      readLockfile(path.join(dataDir, 'pnpm-v5/pnpm-lock.yaml'), 'pnpm-v5/pnpm-lock.yaml', dataDir),
    ).rejects.toThrow(
      "pnpm-v5/pnpm-lock.yaml:1: unsupported pnpm lockfileVersion '5.4' (this action reads 6.0, 6.1 and 9.0)",
    );
  });

  it('names the line of broken YAML', async () => {
    await expect(
      readLockfile(path.join(dataDir, 'pnpm-bad/pnpm-lock.yaml'), 'pnpm-bad/pnpm-lock.yaml', dataDir),
    ).rejects.toThrow(/^pnpm-bad\/pnpm-lock\.yaml:6:1: invalid YAML/);
  });
});

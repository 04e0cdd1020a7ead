import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { normalizePythonName } from '../src/names.js';
import { readLockfile } from '../src/readers/index.js';
import {
  allHashes,
  type CdxBom,
  type CdxComponent,
  dataDir,
  expectValidCycloneDx,
  generateFor,
  lockfile,
  parseBom,
} from './helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/** pkg:pypi purl text, independent of the reader (PEP 503 name). */
function pypi(name: string, version: string): string {
  return `pkg:pypi/${name.toLowerCase().replace(/[-_.]+/g, '-')}@${version}`;
}

/** The component of name@version; git/URL sources add purl qualifiers after the version. */
function component(bom: CdxBom, purl: string): CdxComponent {
  const found = bom.components.find((c) => c.purl === purl || c.purl?.startsWith(`${purl}?`));
  if (!found) throw new Error(`no component ${purl}`);
  return found;
}

function dependsOn(bom: CdxBom, ref: string): string[] {
  return bom.dependencies.find((d) => d.ref === ref)?.dependsOn ?? [];
}

async function bomOf(file: string): Promise<CdxBom> {
  const { serialized } = await generateFor([file]);
  await expectValidCycloneDx(serialized.text);
  return parseBom(serialized.text);
}

interface TomlPackage {
  name: string;
  version: string;
  groups?: string[];
  files?: Array<{ file: string; hash: string }>;
  dependencies?: Record<string, unknown>;
  sdist?: { hash: string };
  wheels?: Array<{ hash: string }>;
  source?: Record<string, string>;
}

describe('poetry.lock 2.x (python-poetry/poetry fixture)', () => {
  const file = lockfile('poetry/poetry.lock');
  const lock = parseToml(readFileSync(file, 'utf8')) as unknown as {
    package: TomlPackage[];
    metadata: { 'lock-version': string };
  };
  let bom: CdxBom;
  beforeAll(async () => {
    bom = await bomOf(file);
  });

  it('has every locked package with its version and every file hash, where cdxgen carries none', () => {
    expect(lock.metadata['lock-version']).toBe('2.1');
    expect(lock.package).toHaveLength(78);
    expect(bom.components).toHaveLength(78);
    let hashes = 0;
    for (const p of lock.package) {
      const c = component(bom, pypi(p.name, p.version));
      expect(c.version).toBe(p.version);
      const have = allHashes(c);
      for (const f of p.files ?? []) {
        expect(have, `${p.name} ${f.file}`).toContain(`SHA-256:${f.hash.replace(/^sha256:/, '')}`);
        hashes++;
      }
      expect(c.scope, p.name).toBe(p.groups?.includes('main') ? 'required' : 'excluded');
    }
    expect(hashes).toBeGreaterThan(400);
  });

  it('has the dependency graph poetry locked (every declared dependency that is locked)', () => {
    const locked = new Map(lock.package.map((p) => [normalizePythonName(p.name), p]));
    let edges = 0;
    for (const p of lock.package) {
      const deps = dependsOn(bom, component(bom, pypi(p.name, p.version))['bom-ref'] ?? '');
      for (const name of Object.keys(p.dependencies ?? {})) {
        const target = locked.get(normalizePythonName(name));
        if (!target) continue; // an extra's or another platform's dependency that was not locked
        expect(deps, `${p.name} -> ${name}`).toContain(component(bom, pypi(target.name, target.version)).purl);
        edges++;
      }
      expect(deps.length).toBeLessThanOrEqual(Object.keys(p.dependencies ?? {}).length);
    }
    expect(edges).toBe(87);
    // Direct dependencies come from pyproject.toml beside the lock.
    const root = bom.metadata.component;
    expect(root?.name).toBe('poetry');
    expect(dependsOn(bom, root?.['bom-ref'] ?? '')).toContain(
      component(bom, pypi('poetry-core', locked.get('poetry-core')?.version ?? '')).purl,
    );
  });
});

describe('uv.lock (sigstore-python fixture)', () => {
  const file = lockfile('uv/uv.lock');
  type UvDep = { name: string; extra?: string[] };
  const lock = parseToml(readFileSync(file, 'utf8')) as unknown as {
    package: Array<
      TomlPackage & {
        dependencies?: UvDep[];
        'optional-dependencies'?: Record<string, UvDep[]>;
        'dev-dependencies'?: Record<string, UvDep[]>;
      }
    >;
  };
  let bom: CdxBom;
  beforeAll(async () => {
    bom = await bomOf(file);
  });

  it('has every locked package, version and sdist/wheel hash; the project itself is the subject', () => {
    const project = lock.package.find((p) => p.source?.['editable'] === '.');
    expect(project?.name).toBe('sigstore');
    expect(bom.metadata.component?.name).toBe('sigstore');
    const others = lock.package.filter((p) => p !== project);
    expect(others).toHaveLength(88);
    expect(bom.components).toHaveLength(88);
    let hashes = 0;
    for (const p of others) {
      const c = component(bom, pypi(p.name, p.version));
      const have = allHashes(c);
      for (const h of [p.sdist?.hash, ...(p.wheels ?? []).map((w) => w.hash)]) {
        if (h === undefined) continue;
        expect(have, p.name).toContain(`SHA-256:${h.replace(/^sha256:/, '')}`);
        hashes++;
      }
      // Each hash sits on a distribution reference with the file's URL.
      for (const r of c.externalReferences ?? [])
        if (r.type === 'distribution') expect(r.url).toMatch(/^https:\/\/files\.pythonhosted\.org\//);
    }
    expect(hashes).toBeGreaterThan(1000);
  });

  it('has the graph, with the dev group excluded and the runtime closure required', () => {
    const byName = new Map(lock.package.map((p) => [p.name, p]));
    let edges = 0;
    for (const p of lock.package) {
      if (p.source?.['editable'] === '.') continue;
      const deps = dependsOn(bom, pypi(p.name, p.version));
      for (const d of p.dependencies ?? []) {
        const t = byName.get(d.name);
        if (t) {
          expect(deps, `${p.name} -> ${d.name}`).toContain(pypi(t.name, t.version));
          edges++;
        }
      }
    }
    expect(edges).toBeGreaterThan(90);
    const project = byName.get('sigstore');
    const runtime = new Set<string>();
    const stack = (project?.dependencies ?? []).map((d) => d.name);
    while (stack.length > 0) {
      const n = stack.pop() ?? '';
      if (runtime.has(n)) continue;
      runtime.add(n);
      for (const d of byName.get(n)?.dependencies ?? []) {
        stack.push(d.name);
        // pydantic[email]: the extra's dependencies come along.
        for (const e of d.extra ?? [])
          for (const x of byName.get(d.name)?.['optional-dependencies']?.[e] ?? []) stack.push(x.name);
      }
    }
    expect(runtime.has('dnspython')).toBe(true); // sigstore-rekor-types → pydantic[email] → email-validator → dnspython
    for (const p of lock.package) {
      if (p === project) continue;
      expect(component(bom, pypi(p.name, p.version)).scope, p.name).toBe(runtime.has(p.name) ? 'required' : 'excluded');
    }
    expect(project?.['dev-dependencies']?.['dev']?.map((d) => d.name)).toContain('pytest');
    expect(component(bom, pypi('pytest', byName.get('pytest')?.version ?? '')).scope).toBe('excluded');
  });
});

describe('requirements.txt with hashes (pip-compile, sigstore-python fixture)', () => {
  const file = lockfile('pip/requirements.txt');
  const text = readFileSync(file, 'utf8');
  let bom: CdxBom;
  beforeAll(async () => {
    bom = await bomOf(file);
  });

  it('has every pin with every --hash', () => {
    const blocks = text.split(/\n(?=[a-z])/i).filter((b) => /^[A-Za-z0-9].*==/.test(b));
    expect(blocks).toHaveLength(32);
    for (const block of blocks) {
      const [, name = '', version = ''] = /^([A-Za-z0-9._-]+)==(\S+)/.exec(block) ?? [];
      const hashes = [...block.matchAll(/--hash=sha256:([0-9a-f]{64})/g)].map((m) => `SHA-256:${m[1] ?? ''}`);
      expect(hashes.length).toBeGreaterThan(0);
      const have = allHashes(component(bom, pypi(name, version)));
      for (const h of hashes) expect(have, name).toContain(h);
      expect(have.size).toBe(hashes.length);
    }
  });

  it('builds the dependency graph from pip-compile’s "# via" comments, which cdxgen does not', () => {
    const version = (n: string): string => new RegExp(`^${n}==(\\S+)`, 'm').exec(text)?.[1] ?? '';
    // "typing-extensions ... # via cryptography, pydantic, ..." → those depend on typing-extensions.
    const te = pypi('typing-extensions', version('typing-extensions'));
    for (const parent of [
      'cryptography',
      'pydantic',
      'pydantic-core',
      'pyjwt',
      'pyopenssl',
      'sigstore-models',
      'typing-inspection',
    ]) {
      expect(dependsOn(bom, pypi(parent, version(parent))), parent).toContain(te);
    }
    // "# via -r install/requirements.in" marks the one direct requirement.
    const root = bom.metadata.component?.['bom-ref'] ?? '';
    expect(dependsOn(bom, root)).toEqual([pypi('sigstore', version('sigstore'))]);
    const viaLines = [...text.matchAll(/# via (\S+)$|# {3}(\S+)$/gm)].length;
    const edges = bom.dependencies.filter((d) => d.ref !== root).reduce((n, d) => n + (d.dependsOn?.length ?? 0), 0);
    expect(edges).toBe(viaLines);
  });
});

describe('Pipfile.lock (pypa/pipenv fixture)', () => {
  const file = lockfile('pipenv/Pipfile.lock');
  const lock = JSON.parse(readFileSync(file, 'utf8')) as Record<
    'default' | 'develop',
    Record<string, { version?: string; hashes?: string[] }>
  >;
  let bom: CdxBom;
  beforeAll(async () => {
    bom = await bomOf(file);
  });

  it('has every package of both sections with its version and every hash; develop-only is excluded', () => {
    const expected = new Set<string>();
    for (const section of ['default', 'develop'] as const) {
      for (const [name, e] of Object.entries(lock[section])) {
        const purl = pypi(name, (e.version ?? '').replace(/^==/, ''));
        expected.add(purl);
        const c = component(bom, purl);
        for (const h of e.hashes ?? []) expect(allHashes(c), name).toContain(`SHA-256:${h.replace(/^sha256:/, '')}`);
        if (section === 'default') expect(c.scope).toBe('required');
      }
    }
    // 110 entries, 105 distinct name@version (cdxgen: 105 components, 0 hashes).
    expect(expected.size).toBe(105);
    expect(new Set(bom.components.map((c) => c.purl))).toEqual(expected);
    for (const [name, e] of Object.entries(lock.develop)) {
      if (lock.default[name]?.version === e.version) continue;
      expect(component(bom, pypi(name, (e.version ?? '').replace(/^==/, ''))).scope).toBe('excluded');
    }
  });

  it('has no graph between packages (the format has none) and direct dependencies from the Pipfile', () => {
    const root = bom.metadata.component?.['bom-ref'] ?? '';
    expect(bom.dependencies.filter((d) => d.ref !== root && (d.dependsOn?.length ?? 0) > 0)).toEqual([]);
    const pipfile = parseToml(readFileSync(lockfile('pipenv/Pipfile'), 'utf8')) as {
      packages?: Record<string, unknown>;
      'dev-packages'?: Record<string, unknown>;
    };
    const declared = new Set(
      [...Object.keys(pipfile.packages ?? {}), ...Object.keys(pipfile['dev-packages'] ?? {})].map(normalizePythonName),
    );
    const rootDeps = dependsOn(bom, root).map((p) => p.replace(/^pkg:pypi\/|@.*$/g, ''));
    for (const d of rootDeps) expect(declared).toContain(d);
    expect(rootDeps.length).toBeGreaterThan(10);
  });
});

describe('requirements.txt features (project-written)', () => {
  it('follows -r and -c, reads extras, markers, URL, VCS and editable entries', async () => {
    const report = await readLockfile(path.join(dataDir, 'req/requirements.txt'), 'req/requirements.txt', dataDir);
    const by = new Map(report.packages.map((p) => [normalizePythonName(p.name), p]));
    expect([...by.keys()].sort()).toEqual([
      'attrs',
      'django',
      'local-tool',
      'numpy',
      'pip-tools',
      'requests',
      'six',
      'spikeformer-kit',
      'torch',
    ]);
    expect(by.get('requests')?.properties).toEqual(
      expect.arrayContaining([
        ['spikeformer:python:extras', 'security,socks'],
        ['spikeformer:python:marker', 'python_version >= "3.8"'],
      ]),
    );
    expect(by.get('numpy')?.version).toBe('1.26.4'); // unpinned here, pinned by the -c constraints file
    expect(by.get('six')?.version).toBe('1.16.0'); // from the -r include
    expect(by.get('six')?.properties).toContainEqual(['spikeformer:requirements:file', 'req/base.txt']);
    expect(by.get('django')?.source).toEqual({
      kind: 'vcs',
      url: 'git+https://github.com/django/django.git@4.2.11#egg=django',
    });
    expect(by.get('django')?.purl).toBe(
      'pkg:pypi/django?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fdjango%2Fdjango.git%404.2.11%23egg%3Ddjango',
    );
    expect(by.get('torch')?.version).toBe('2.2.0+cpu'); // from the wheel's file name (%2B decoded)
    expect(by.get('torch')?.hashes).toEqual([{ alg: 'SHA-256', content: 'a'.repeat(64) }]);
    expect(by.get('spikeformer-kit')?.source?.kind).toBe('editable');
    expect(by.get('local-tool')?.source).toEqual({ kind: 'path', url: './vendor/local_tool-0.3.0.tar.gz' });
    expect(by.get('attrs')?.version).toBe('23.2.0');
    expect(by.get('pip-tools')?.version).toBeUndefined();
    expect(report.unresolved).toContainEqual({ name: 'pip-tools', reason: 'not pinned (>=7)', line: 13 });
    // Constraint-only packages are not installed, so not components.
    expect(by.has('urllib3')).toBe(false);
  });

  it('errors name the file and the line', async () => {
    const read = (name: string): Promise<unknown> =>
      readLockfile(path.join(dataDir, `req-bad/${name}`), `req-bad/${name}`, dataDir);
    await expect(read('requirements-hash.txt')).rejects.toThrow(
      "req-bad/requirements-hash.txt:3: malformed --hash 'sha256:abc' (expected <algorithm>:<hex digest>)",
    );
    await expect(read('requirements-include.txt')).rejects.toThrow(
      "req-bad/requirements-include.txt:2: included file 'req-bad/missing.txt' does not exist",
    );
    await expect(read('requirements-option.txt')).rejects.toThrow(
      "req-bad/requirements-option.txt:1: unknown option '--frobnicate'",
    );
    await expect(read('requirements-spec.txt')).rejects.toThrow(
      "req-bad/requirements-spec.txt:2: invalid version specifier '=>1.0' for flask",
    );
  });
});

describe('poetry.lock 1.x and other versions (project-written)', () => {
  it('reads [metadata.files] hashes and category', async () => {
    const report = await readLockfile(path.join(dataDir, 'poetry-1/poetry.lock'), 'poetry-1/poetry.lock', dataDir);
    expect(report.format).toBe('poetry.lock 1.1');
    const six = report.packages.find((p) => p.name === 'six');
    expect(six?.artifacts.map((a) => a.hashes[0]?.content)).toEqual(['1'.repeat(64), '2'.repeat(64)]);
    expect(report.packages.find((p) => p.name === 'pytest')?.dev).toBe(true);
    expect(six?.dev).toBe(false);
    expect(report.packages.find((p) => p.name === 'pytest')?.dependsOn).toEqual([six?.id]);
  });

  it('refuses an unknown lock-version, uv version and pipfile-spec with the line', async () => {
    await expect(
      readLockfile(path.join(dataDir, 'poetry-9/poetry.lock'), 'poetry-9/poetry.lock', dataDir),
    ).rejects.toThrow("poetry-9/poetry.lock:8: unsupported poetry lock-version '9.0' (this action reads 1.x and 2.x)");
    await expect(readLockfile(path.join(dataDir, 'uv-2/uv.lock'), 'uv-2/uv.lock', dataDir)).rejects.toThrow(
      'uv-2/uv.lock:1: unsupported uv.lock version 2 (this action reads version 1)',
    );
    await expect(
      readLockfile(path.join(dataDir, 'pipenv-5/Pipfile.lock'), 'pipenv-5/Pipfile.lock', dataDir),
    ).rejects.toThrow('pipenv-5/Pipfile.lock:3: unsupported pipfile-spec 5 (this action reads pipfile-spec 6)');
    await expect(readLockfile(path.join(dataDir, 'uv-bad/uv.lock'), 'uv-bad/uv.lock', dataDir)).rejects.toThrow(
      /^uv-bad\/uv\.lock:4:\d+: invalid TOML/,
    );
  });
});

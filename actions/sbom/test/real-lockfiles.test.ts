import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { discoverLockfiles } from '../src/discover.js';
import { readLockfile } from '../src/readers/index.js';
import { expectValidCycloneDx, generateFor, lockfile, lockfilesDir, parseBom } from './helpers.js';

/**
 * Lockfiles of real projects nobody here wrote (issue #21): pnpm 12's two-document lock, every
 * npm alias form, requests' `-e .[socks]`, pip-compile's `requirements/<name>.txt`.
 */

vi.setConfig({ testTimeout: 120_000 });

const purls = (bom: { components: Array<{ purl?: string }> }): string[] =>
  bom.components.map((c) => (c.purl ?? '').replace(/\?.*$/, ''));

describe('pnpm 11+ two-document pnpm-lock.yaml (this repository’s, pnpm 12.4.2)', () => {
  const file = lockfile('pnpm12/pnpm-lock.yaml');
  const text = readFileSync(file, 'utf8');

  it('reads the project’s document and leaves out the one locking pnpm itself', async () => {
    // Independent reading: the yaml library's own multi-document parser.
    const docs = parseAllDocuments(text).map(
      (d) => d.toJS() as { importers: Record<string, Record<string, unknown>>; packages: Record<string, unknown> },
    );
    expect(docs).toHaveLength(2);
    expect(Object.keys(docs[0]?.importers['.'] ?? {}).sort()).toEqual([
      'configDependencies',
      'packageManagerDependencies',
    ]);
    const project = docs[1];
    const expected = new Set(
      Object.keys(project?.packages ?? {}).map((k) => {
        const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
        return `pkg:npm/${k.slice(0, at).replace(/^@/, '%40')}@${k.slice(at + 1)}`;
      }),
    );
    const { serialized, reports } = await generateFor([file]);
    await expectValidCycloneDx(serialized.text);
    expect(reports[0]?.format).toBe('pnpm-lock lockfileVersion 9.0 (the document locking pnpm itself is left out)');
    const ours = new Set(purls(parseBom(serialized.text)).filter((p) => p !== ''));
    expect(ours).toEqual(expected);
    expect([...ours].some((p) => p.startsWith('pkg:npm/%40pnpm/exe'))).toBe(false);
  });

  it('gives lines in the second document', async () => {
    const report = await readLockfile(file, 'pnpm12/pnpm-lock.yaml', lockfilesDir);
    const vitest = report.packages.find((p) => p.name === 'vitest');
    const lines = text.split('\n');
    expect(lines[(vitest?.line ?? 0) - 1]).toMatch(/^ {2}vitest@/);
    expect(vitest?.line).toBeGreaterThan(text.slice(0, text.indexOf('\n---', 4)).split('\n').length);
  });
});

describe('aliased packages come out under the package they install', () => {
  it('yarn v1 (vercel/hyper): "string-width-cjs@npm:string-width@^4.2.0" is pkg:npm/string-width@4.2.3', async () => {
    const { serialized } = await generateFor([lockfile('yarn/yarn.lock')]);
    const bom = parseBom(serialized.text);
    const all = purls(bom);
    for (const alias of ['string-width-cjs', 'strip-ansi-cjs', 'wrap-ansi-cjs'])
      expect(all.filter((p) => p.includes(alias))).toEqual([]);
    expect(all).toContain('pkg:npm/string-width@4.2.3');
    expect(all).toContain('pkg:npm/strip-ansi@6.0.1');
    expect(all).toContain('pkg:npm/wrap-ansi@7.0.0');
    const cliui = bom.dependencies.find((d) => d.ref === 'pkg:npm/%40isaacs/cliui@8.0.2');
    expect(cliui?.dependsOn).toEqual(
      expect.arrayContaining(['pkg:npm/string-width@4.2.3', 'pkg:npm/string-width@5.1.2', 'pkg:npm/wrap-ansi@7.0.0']),
    );
  });

  it('yarn berry (cdxgen’s yarnv4.1.lock): the alias resolves through `resolution`', async () => {
    const { serialized } = await generateFor([lockfile('yarn-berry/yarn.lock')]);
    await expectValidCycloneDx(serialized.text);
    const bom = parseBom(serialized.text);
    const all = purls(bom);
    expect(all.filter((p) => /-cjs@/.test(p))).toEqual([]);
    expect(all).toContain('pkg:npm/string-width@4.2.3');
    const cliui = bom.dependencies.find((d) => d.ref === 'pkg:npm/%40isaacs/cliui@8.0.2');
    expect(cliui?.dependsOn).toEqual(
      expect.arrayContaining(['pkg:npm/string-width@4.2.3', 'pkg:npm/strip-ansi@6.0.1', 'pkg:npm/wrap-ansi@7.0.0']),
    );
  });

  it('npm (npm/cli large-install): node_modules/string-width-cjs with "name": "string-width"', async () => {
    const { serialized } = await generateFor([lockfile('npm/package-lock.json')]);
    const all = purls(parseBom(serialized.text));
    expect(all.filter((p) => /-cjs@/.test(p))).toEqual([]);
    expect(all).toContain('pkg:npm/string-width@4.2.3');
  });

  it('pnpm v9 (cdxgen’s pnpm-lock9c.yaml): a snapshot dependency `string-width-cjs: string-width@4.2.3`', async () => {
    const { serialized } = await generateFor([lockfile('pnpm9-alias/pnpm-lock.yaml')]);
    const bom = parseBom(serialized.text);
    expect(purls(bom).filter((p) => /-cjs@/.test(p))).toEqual([]);
    const cliui = bom.dependencies.find((d) => d.ref === 'pkg:npm/%40isaacs/cliui@8.0.2');
    expect(cliui?.dependsOn).toEqual(
      expect.arrayContaining(['pkg:npm/string-width@4.2.3', 'pkg:npm/strip-ansi@6.0.1', 'pkg:npm/wrap-ansi@7.0.0']),
    );
  });

  it('pnpm v6 and v9 importers: `specifier: npm:real@range` with `version: /real@ver` or `real@ver`', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sbom-pnpm-alias-'));
    const integrity = 'sha512-wKyQRQpjJ0sIp62ErSZdGsjMJWsap5oRNihHhu6G7JVO/9jIB6UyevL+tXuOqrng8j/cxKTWyWUwvSTriiZz/g==';
    writeFileSync(
      path.join(dir, 'v6.yaml'),
      `lockfileVersion: '6.0'\n\ndependencies:\n  string-width-cjs:\n    specifier: npm:string-width@^4.2.0\n    version: /string-width@4.2.3\n\npackages:\n\n  /string-width@4.2.3:\n    resolution: {integrity: ${integrity}}\n    dev: false\n`,
    );
    writeFileSync(
      path.join(dir, 'v9.yaml'),
      `lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      string-width-cjs:\n        specifier: npm:string-width@^4.2.0\n        version: string-width@4.2.3\n\npackages:\n\n  string-width@4.2.3:\n    resolution: {integrity: ${integrity}}\n\nsnapshots:\n\n  string-width@4.2.3: {}\n`,
    );
    for (const name of ['v6', 'v9']) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, 'pnpm-lock.yaml'), readFileSync(path.join(dir, `${name}.yaml`)));
      const report = await readLockfile(path.join(dir, name, 'pnpm-lock.yaml'), `${name}/pnpm-lock.yaml`, dir);
      expect(report.packages.map((p) => p.purl)).toEqual(['pkg:npm/string-width@4.2.3']);
      expect(report.root.dependsOn).toEqual(['pkg:npm/string-width@4.2.3']);
      expect(report.unresolved).toEqual([]);
    }
  });
});

describe('requirements files of real projects', () => {
  it('requests’ requirements-dev.txt: `-e .[socks]` is the project itself, noted, not an error', async () => {
    const report = await readLockfile(
      lockfile('requests/requirements-dev.txt'),
      'requests/requirements-dev.txt',
      lockfilesDir,
    );
    expect(report.notes).toEqual([
      {
        line: 1,
        text: "requests/requirements-dev.txt:1: '-e .[socks]' is the project itself: not listed as a dependency",
      },
    ]);
    expect(report.packages.map((p) => p.purl)).toEqual([
      'pkg:pypi/pytest',
      'pkg:pypi/pytest-cov',
      'pkg:pypi/pytest-httpbin@2.1.0',
      'pkg:pypi/httpbin',
      'pkg:pypi/trustme',
      'pkg:pypi/pylint',
      'pkg:pypi/mypy',
      'pkg:pypi/wheel',
    ]);
  });

  it('`-e .` and `file:.` are the project too; another local folder still needs a name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sbom-editable-'));
    writeFileSync(path.join(dir, 'requirements.txt'), '-e .\n-e file:.\n--editable=./\nsix==1.16.0\n');
    const report = await readLockfile(path.join(dir, 'requirements.txt'), 'requirements.txt', dir);
    expect(report.notes?.map((n) => n.line)).toEqual([1, 2, 3]);
    expect(report.packages.map((p) => p.purl)).toEqual(['pkg:pypi/six@1.16.0']);
    writeFileSync(path.join(dir, 'requirements.txt'), '-e ./sub[x]\n');
    await expect(readLockfile(path.join(dir, 'requirements.txt'), 'requirements.txt', dir)).rejects.toThrow(
      "requirements.txt:1: cannot tell the project name of './sub[x]' (add #egg=<name>)",
    );
  });

  it('pip-compile’s requirements/dev.txt (pallets/jinja) is found in a folder search and read when named', async () => {
    const found = await discoverLockfiles(path.join(lockfilesDir, 'jinja'), [], lockfilesDir);
    expect(found).toEqual([lockfile('jinja/requirements/dev.txt')]);
    const explicit = await discoverLockfiles(lockfile('jinja/requirements/dev.txt'), [], lockfilesDir);
    const { reports } = await generateFor(explicit);
    expect(reports[0]?.format).toBe('requirements.txt (pip-compile)');
    expect(reports[0]?.packages).toHaveLength(48);
    expect(reports[0]?.packages.find((p) => p.name === 'sphinx')?.dependsOn).toContain('pkg:pypi/jinja2@3.1.4');
  });

  it('any .txt named explicitly is a requirements file; anything else is refused with what to give', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sbom-named-'));
    writeFileSync(path.join(dir, 'deps.txt'), 'six==1.16.0\n');
    writeFileSync(path.join(dir, 'dev.in'), 'six\n');
    expect(await discoverLockfiles(path.join(dir, 'deps.txt'), [], dir)).toEqual([path.join(dir, 'deps.txt')]);
    expect(await discoverLockfiles(dir, [], dir)).toEqual([]);
    await expect(discoverLockfiles(path.join(dir, 'dev.in'), [], dir)).rejects.toThrow(
      "Input 'path': 'dev.in' is not a lockfile this action reads: give package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, poetry.lock, uv.lock, Pipfile.lock, or a pip requirements file (*.txt, e.g. pip-compile's output; not its unpinned requirements.in)",
    );
  });
});

describe('the components and dependencies counts are the document’s', () => {
  it.each([
    ['one lockfile (pnpm 12, subject not in components)', ['pnpm12/pnpm-lock.yaml']],
    ['two lockfiles (each project a component)', ['pnpm12/pnpm-lock.yaml', 'jinja/requirements/dev.txt']],
  ])('%s', async (_name, files) => {
    const { serialized } = await generateFor(files.map(lockfile));
    const bom = parseBom(serialized.text);
    expect(serialized.counts).toEqual({
      components: bom.components.length,
      dependencies: bom.dependencies.reduce((n, d) => n + (d.dependsOn?.length ?? 0), 0),
    });
  });
});

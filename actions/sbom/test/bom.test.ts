import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseXmlText } from '@spikeformer-actions/core';
import { describe, expect, it, vi } from 'vitest';
import { inventoryStats } from '../src/report.js';
import { buildSnapshot } from '../src/submission.js';
import { expectValidCycloneDx, expectValidCycloneDxXml, generateFor, lockfile, parseBom } from './helpers.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const PYTHON = ['poetry/poetry.lock', 'uv/uv.lock', 'pip/requirements.txt', 'pipenv/Pipfile.lock'];
const ALL = ['npm/package-lock.json', 'pnpm/pnpm-lock.yaml', 'yarn/yarn.lock', ...PYTHON];

describe('one BOM from several lockfiles', () => {
  it('merges every fixture: each lockfile’s project a component, packages deduplicated by purl, valid 1.6', async () => {
    const { serialized, inventory } = await generateFor(ALL.map(lockfile), undefined, {
      componentName: 'spikeformer-kit',
      componentVersion: '0.9.0',
    });
    await expectValidCycloneDx(serialized.text);
    const bom = parseBom(serialized.text);
    expect(bom.metadata.component?.name).toBe('spikeformer-kit');
    expect(bom.metadata.component?.version).toBe('0.9.0');
    const roots = bom.components.filter((c) => c['bom-ref']?.startsWith('lockfile:'));
    expect(roots.map((r) => r['bom-ref']).sort()).toEqual(ALL.map((f) => `lockfile:${f}`).sort());
    expect(bom.dependencies.find((d) => d.ref === 'project')?.dependsOn?.sort()).toEqual(
      ALL.map((f) => `lockfile:${f}`).sort(),
    );
    const purls = bom.components.map((c) => c.purl).filter((p) => p !== undefined);
    expect(new Set(purls).size).toBe(purls.length);
    // Shared pins are one component listing every lockfile that has them (cryptography 50.0.0: pip, pipenv, uv).
    const shared = bom.components.find((c) => c.purl === 'pkg:pypi/cryptography@50.0.0');
    expect(
      shared?.properties
        ?.filter((p) => p.name === 'spikeformer:sbom:lockfile')
        .map((p) => p.value)
        .sort(),
    ).toEqual(['pip/requirements.txt', 'pipenv/Pipfile.lock', 'uv/uv.lock']);
    const stats = inventoryStats(inventory);
    expect(stats.ecosystems.map((e) => e.ecosystem)).toEqual(['npm', 'pypi']);
    expect(stats.lockfiles.find((l) => l.file === 'pipenv/Pipfile.lock')?.graph).toBe(false);
    expect(serialized.counts).toEqual({
      components: bom.components.length,
      dependencies: bom.dependencies.reduce((n, d) => n + (d.dependsOn?.length ?? 0), 0),
    });
  });

  it('reports a conflicting duplicate: the same purl with a different hash in two lockfiles', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sbom-conflict-'));
    for (const [sub, hash] of [
      ['a', '1'],
      ['b', '2'],
    ] as const) {
      mkdirSync(path.join(dir, sub));
      writeFileSync(path.join(dir, sub, 'requirements.txt'), `six==1.16.0 --hash=sha256:${hash.repeat(64)}\n`);
    }
    const { inventory, serialized } = await generateFor(
      [path.join(dir, 'a/requirements.txt'), path.join(dir, 'b/requirements.txt')],
      dir,
    );
    expect(inventory.conflicts).toEqual([
      {
        purl: 'pkg:pypi/six@1.16.0',
        problem: 'six@1.16.0 has a different SHA-256 in b/requirements.txt than in a/requirements.txt',
        files: ['a/requirements.txt', 'b/requirements.txt'],
      },
    ]);
    await expectValidCycloneDx(serialized.text);
  });
});

describe('serialisation', () => {
  it('reproducible: two runs give identical bytes, without serial number or timestamp', async () => {
    const files = ALL.map(lockfile);
    const first = await generateFor(files);
    const second = await generateFor([...files].reverse().reverse());
    expect(Buffer.from(second.serialized.text).equals(Buffer.from(first.serialized.text))).toBe(true);
    const bom = parseBom(first.serialized.text);
    expect(bom.serialNumber).toBeUndefined();
    expect(bom.metadata.timestamp).toBeUndefined();
  });

  it('non-reproducible runs carry a urn:uuid serial number and a timestamp', async () => {
    const { serialized } = await generateFor([lockfile('uv/uv.lock')], undefined, {
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      timestamp: new Date('2026-11-27T12:00:00Z'),
    });
    await expectValidCycloneDx(serialized.text);
    const bom = parseBom(serialized.text);
    expect(bom.serialNumber).toBe('urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79');
    expect(bom.metadata.timestamp).toBe('2026-11-27T12:00:00.000Z');
  });

  it('CycloneDX 1.5 validates against the 1.5 schema', async () => {
    const { serialized } = await generateFor(
      [lockfile('poetry/poetry.lock'), lockfile('pnpm/pnpm-lock.yaml')],
      undefined,
      { specVersion: '1.5' },
    );
    expect(parseBom(serialized.text).specVersion).toBe('1.5');
    await expectValidCycloneDx(serialized.text, '1.5');
  });

  it('XML: valid against the CycloneDX XSD (xmllint), same components as the validated JSON', async () => {
    const { serialized } = await generateFor([lockfile('uv/uv.lock')], undefined, { format: 'xml' });
    expectValidCycloneDxXml(serialized.text);
    expect(serialized.text.startsWith('<?xml')).toBe(true);
    const xml = parseXmlText(serialized.text, 'sbom.cdx.xml', {
      arrays: ['component', 'hash', 'reference', 'dependency'],
    }) as { bom: { components: { component: unknown[] }; '@_xmlns': string } };
    expect(xml.bom['@_xmlns']).toBe('http://cyclonedx.org/schema/bom/1.6');
    expect(xml.bom.components.component).toHaveLength(parseBom(serialized.validatedJson).components.length);
    await expectValidCycloneDx(serialized.validatedJson);
  });

  it('include-dev turns excluded dev dependencies into required ones, still marked dev', async () => {
    const { serialized } = await generateFor([lockfile('uv/uv.lock')], undefined, { includeDev: true });
    const bom = parseBom(serialized.text);
    const pytest = bom.components.find((c) => c.name === 'pytest');
    expect(pytest?.scope).toBe('required');
    expect(pytest?.properties).toContainEqual({ name: 'spikeformer:sbom:dev-dependency', value: 'true' });
    expect(bom.components.some((c) => c.scope === 'excluded')).toBe(false);
  });
});

describe('dependency submission snapshot', () => {
  it('has one manifest per lockfile with purls, relationships and scopes', async () => {
    const { inventory } = await generateFor([lockfile('uv/uv.lock'), lockfile('pip/requirements.txt')]);
    const snapshot = buildSnapshot(inventory, {
      sha: 'a'.repeat(40),
      ref: 'refs/heads/main',
      correlator: 'ci sbom',
      runId: '42',
      scanned: '2026-11-27T12:00:00Z',
      detector: { name: 'spikeformer-actions/sbom', version: '1.0.0', url: 'https://github.com/o/r' },
    });
    expect(Object.keys(snapshot.manifests).sort()).toEqual(['pip/requirements.txt', 'uv/uv.lock']);
    const pip = snapshot.manifests['pip/requirements.txt']?.resolved ?? {};
    expect(Object.keys(pip)).toHaveLength(32);
    expect(pip['pkg:pypi/sigstore@4.5.0']?.relationship).toBe('direct');
    expect(pip['pkg:pypi/cffi@2.1.0']).toEqual({
      package_url: 'pkg:pypi/cffi@2.1.0',
      relationship: 'indirect',
      scope: 'runtime',
      dependencies: ['pkg:pypi/pycparser@3.0'],
    });
    const uv = snapshot.manifests['uv/uv.lock']?.resolved ?? {};
    expect(Object.values(uv).find((r) => r.package_url.startsWith('pkg:pypi/pytest@'))?.scope).toBe('development');
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it, vi } from 'vitest';
import { discoverLockfiles } from '../src/discover.js';
import { buildSpdx, registryDownloads, spdxIdFor, type SpdxDocument } from '../src/spdx/document.js';
import { assertValidSpdx, specProblems, spdxSchemaErrors } from '../src/spdx/validate.js';
import { generateFor, lockfilesDir, parseBom } from './helpers.js';

/**
 * SPDX 2.3 JSON output: valid against the vendored SPDX 2.3 schema (checked here with ajv
 * compiling the schema afresh, apart from the action's precompiled validator) for every
 * lockfile fixture, with the CycloneDX document's packages, edges and hashes.
 */

vi.setConfig({ testTimeout: 300_000 });

const schema = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../schemas/spdx-2.3.schema.json'), 'utf8'),
) as object;
const independent = new Ajv({ strict: false, allErrors: true }).compile(schema);

const fixtureDirs = readdirSync(lockfilesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const ALG: Record<string, string> = {
  'SHA-1': 'SHA1',
  'SHA-256': 'SHA256',
  'SHA-384': 'SHA384',
  'SHA-512': 'SHA512',
  MD5: 'MD5',
};

describe('SPDX 2.3 JSON for every lockfile fixture', () => {
  it('covers the fixture folders', () => {
    expect(fixtureDirs).toEqual([
      'jinja',
      'npm',
      'pip',
      'pipenv',
      'pnpm',
      'pnpm12',
      'pnpm9-alias',
      'poetry',
      'requests',
      'spikeformer-npm',
      'uv',
      'yarn',
      'yarn-berry',
    ]);
  });

  it.each(fixtureDirs)(
    '%s: valid, and the same packages, DEPENDS_ON edges and checksums as the CycloneDX document',
    async (dir) => {
      const files = await discoverLockfiles(path.join(lockfilesDir, dir), [], lockfilesDir);
      expect(files.length).toBeGreaterThan(0);
      const { bom, serialized, inventory } = await generateFor(files);
      const spdx = buildSpdx(bom, {
        created: undefined,
        uuid: undefined,
        downloads: registryDownloads(inventory.packages),
      });
      const text = JSON.stringify(spdx, null, 2);
      const onDisk = JSON.parse(text) as SpdxDocument;
      expect(independent(onDisk), JSON.stringify(independent.errors?.slice(0, 3))).toBe(true);
      expect(spdxSchemaErrors(onDisk)).toBeNull();
      expect(specProblems(onDisk)).toEqual([]);
      expect(() => assertValidSpdx(onDisk)).not.toThrow();

      const cdx = parseBom(serialized.text);
      const subject = cdx.metadata.component;
      expect(subject).toBeDefined();
      const cdxComponents = [subject, ...cdx.components].filter((c) => c !== undefined);
      // One SPDX package per CycloneDX component plus the subject, each with the same purl/name/version.
      expect(onDisk.packages).toHaveLength(cdx.components.length + 1);
      const key = (name: string, version: string | undefined, purl: string | undefined): string =>
        `${name}|${version ?? ''}|${purl ?? ''}`;
      expect(
        new Set(onDisk.packages.map((p) => key(p.name, p.versionInfo, p.externalRefs?.[0]?.referenceLocator))),
      ).toEqual(
        new Set(
          cdxComponents.map((c) => key(c.group === undefined ? c.name : `${c.group}/${c.name}`, c.version, c.purl)),
        ),
      );
      // DEPENDS_ON edges = dependsOn entries, mapped through each bom-ref's SPDXID.
      const idOf = new Map(
        cdxComponents.map((c) => [
          c['bom-ref'] ?? '',
          spdxIdFor(
            c['bom-ref'] ?? '',
            `${c.group === undefined ? '' : `${c.group}-`}${c.name}${c.version === undefined ? '' : `-${c.version}`}`,
          ),
        ]),
      );
      const cdxEdges = cdx.dependencies.flatMap((d) =>
        (d.dependsOn ?? []).map((to) => `${idOf.get(d.ref)} -> ${idOf.get(to)}`),
      );
      const spdxEdges = onDisk.relationships
        .filter((r) => r.relationshipType === 'DEPENDS_ON')
        .map((r) => `${r.spdxElementId} -> ${r.relatedSpdxElement}`);
      expect(spdxEdges.sort()).toEqual(cdxEdges.sort());
      expect(spdxEdges.length).toBe(serialized.counts.dependencies);
      expect(onDisk.relationships.filter((r) => r.relationshipType === 'DESCRIBES')).toEqual([
        {
          spdxElementId: 'SPDXRef-DOCUMENT',
          relationshipType: 'DESCRIBES',
          relatedSpdxElement: idOf.get(subject?.['bom-ref'] ?? ''),
        },
      ]);
      // Checksums are the components' own hashes.
      const byId = new Map(onDisk.packages.map((p) => [p.SPDXID, p]));
      for (const c of cdxComponents) {
        const p = byId.get(idOf.get(c['bom-ref'] ?? '') ?? '');
        expect(p?.checksums ?? []).toEqual(
          (c.hashes ?? []).map((h) => ({ algorithm: ALG[h.alg], checksumValue: h.content })),
        );
      }
    },
  );

  it('licenses from the lockfile become licenseDeclared; none found is NOASSERTION', async () => {
    const files = await discoverLockfiles(path.join(lockfilesDir, 'spikeformer-npm'), [], lockfilesDir);
    const { bom, inventory } = await generateFor(files);
    const spdx = buildSpdx(bom, {
      created: undefined,
      uuid: undefined,
      downloads: registryDownloads(inventory.packages),
    });
    const declared = (name: string): string | undefined => spdx.packages.find((p) => p.name === name)?.licenseDeclared;
    expect(declared('elkjs')).toBe('EPL-2.0 OR GPL-3.0-or-later');
    expect(declared('dompurify')).toBe('MPL-2.0 OR Apache-2.0');
    expect(declared('h5wasm')).toBe('NOASSERTION');
    expect(declared('khroma')).toBe('NOASSERTION');
    expect(declared('@cyclonedx/cyclonedx-library')).toBe('Apache-2.0');
    expect(new Set(spdx.packages.map((p) => p.licenseConcluded))).toEqual(new Set(['NOASSERTION']));
    // npm 11 wrote no `resolved` URLs into this lock: nothing says where to download from.
    expect(spdx.packages.find((p) => p.name === 'yaml')?.downloadLocation).toBe('NOASSERTION');
  });

  it('downloadLocation is the registry tarball the lockfile resolved', async () => {
    const { bom, inventory } = await generateFor([path.join(lockfilesDir, 'npm/package-lock.json')]);
    const spdx = buildSpdx(bom, {
      created: undefined,
      uuid: undefined,
      downloads: registryDownloads(inventory.packages),
    });
    expect(spdx.packages.find((p) => p.name === '@ampproject/remapping')?.downloadLocation).toBe(
      'https://registry.npmjs.org/@ampproject/remapping/-/remapping-2.2.1.tgz',
    );
  });

  it('reproducible: the same lockfiles give the same document; otherwise the namespace and time are the run’s', async () => {
    const files = await discoverLockfiles(path.join(lockfilesDir, 'pip'), [], lockfilesDir);
    const a = buildSpdx((await generateFor(files)).bom, { created: undefined, uuid: undefined });
    const b = buildSpdx((await generateFor(files)).bom, { created: undefined, uuid: undefined });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.creationInfo).toEqual({
      created: '1970-01-01T00:00:00Z',
      creators: ['Tool: spikeformer-actions-sbom-1.0.0'],
    });
    const c = buildSpdx((await generateFor(files)).bom, {
      created: new Date('2026-12-05T20:01:02.345Z'),
      uuid: '0b0e2d6c-6a3f-4b7e-9a51-2f1d3c4b5a69',
    });
    expect(c.creationInfo.created).toBe('2026-12-05T20:01:02Z');
    expect(c.documentNamespace).toMatch(
      /^https:\/\/spdx\.org\/spdxdocs\/[A-Za-z0-9._-]+-0b0e2d6c-6a3f-4b7e-9a51-2f1d3c4b5a69$/,
    );
  });

  it('the checks refuse what the schema and the specification refuse', () => {
    const base: SpdxDocument = {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'x',
      documentNamespace: 'https://spdx.org/spdxdocs/x-1',
      creationInfo: { created: '2026-12-05T00:00:00Z', creators: ['Tool: t'] },
      packages: [
        {
          SPDXID: 'SPDXRef-a',
          name: 'a',
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: false,
          primaryPackagePurpose: 'LIBRARY',
          licenseConcluded: 'NOASSERTION',
          licenseDeclared: 'MIT',
          copyrightText: 'NOASSERTION',
        },
      ],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-a' },
      ],
    };
    expect(spdxSchemaErrors(base)).toBeNull();
    expect(specProblems(base)).toEqual([]);
    expect(spdxSchemaErrors({ ...base, surprise: 1 })?.[0]?.keyword).toBe('additionalProperties');
    expect(
      spdxSchemaErrors({
        ...base,
        packages: [{ ...base.packages[0], checksums: [{ algorithm: 'SHA-256', checksumValue: 'ab' }] }],
      })?.[0]?.keyword,
    ).toBe('enum');
    const broken: SpdxDocument = {
      ...base,
      documentNamespace: 'not a uri',
      creationInfo: { created: '2026-12-05', creators: ['Tool: t'] },
      packages: [{ ...base.packages[0]!, SPDXID: 'SPDXRef-a_b', licenseDeclared: 'Apache 2' }],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-z' },
      ],
    };
    expect(specProblems(broken)).toEqual([
      "package a: SPDXID 'SPDXRef-a_b' is not SPDXRef-[A-Za-z0-9.-]+",
      'package a: a license field is not an SPDX expression',
      'relationship SPDXRef-DOCUMENT DEPENDS_ON SPDXRef-z names an element not in the document',
      'nothing is DESCRIBED by the document',
      "created '2026-12-05' is not YYYY-MM-DDThh:mm:ssZ",
      "documentNamespace 'not a uri' is not a URI without a fragment",
    ]);
    expect(() => assertValidSpdx(broken)).toThrow(
      /^the generated SPDX document does not validate against the SPDX 2\.3 schema \(a bug in the sbom action, please report it\): package a: SPDXID/,
    );
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Validation from '@cyclonedx/cyclonedx-library/Validation';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import { fixturePath } from '@spikeformer-actions/testing';
import { expect } from 'vitest';
import { type Generated, generate, type GenerateOptions } from '../src/pipeline.js';
import type { ErrorObject } from 'ajv';
import { documentErrors } from '../src/schema.js';

/** The shared lockfile fixtures' folder (a missing fixture fails the test). */
export const lockfilesDir = path.dirname(path.dirname(fixturePath('lockfiles/npm/package-lock.json')));

export function lockfile(relative: string): string {
  return fixturePath(`lockfiles/${relative}`);
}

export const dataDir = path.join(import.meta.dirname, 'data');

export const REPRODUCIBLE: GenerateOptions = {
  includeDev: false,
  componentName: undefined,
  componentVersion: undefined,
  timestamp: undefined,
  serialNumber: undefined,
  specVersion: '1.6',
  format: 'json',
};

export async function generateFor(
  files: string[],
  root = lockfilesDir,
  options: Partial<GenerateOptions> = {},
): Promise<Generated> {
  return generate(files, root, { ...REPRODUCIBLE, ...options });
}

export interface CdxComponent {
  'bom-ref'?: string;
  type: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  scope?: string;
  hashes?: Array<{ alg: string; content: string }>;
  licenses?: Array<{ license?: { id?: string; name?: string }; expression?: string }>;
  externalReferences?: Array<{
    type: string;
    url: string;
    hashes?: Array<{ alg: string; content: string }>;
    comment?: string;
  }>;
  properties?: Array<{ name: string; value: string }>;
}

export interface CdxBom {
  specVersion: string;
  serialNumber?: string;
  metadata: { timestamp?: string; component?: CdxComponent };
  components: CdxComponent[];
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
}

export function parseBom(json: string): CdxBom {
  return JSON.parse(json) as CdxBom;
}

/** Every hash a component carries, on itself and on its distribution references, as "alg:hex". */
export function allHashes(c: CdxComponent): Set<string> {
  const out = new Set<string>();
  for (const h of c.hashes ?? []) out.add(`${h.alg}:${h.content}`);
  for (const r of c.externalReferences ?? []) for (const h of r.hashes ?? []) out.add(`${h.alg}:${h.content}`);
  return out;
}

/** The action's precompiled validator on a JSON text (what a file on disk holds). */
export function schemaErrors(json: string, version: '1.5' | '1.6'): Promise<ErrorObject[] | null> {
  return documentErrors(JSON.parse(json), version);
}

/**
 * Validates with the library's own JsonStrictValidator (unbundled, as in the tests) and with the
 * bundled validator the action uses; both must accept.
 */
export async function expectValidCycloneDx(json: string, version: '1.6' | '1.5' = '1.6'): Promise<void> {
  const validator = new Validation.JsonStrictValidator(version === '1.6' ? Spec.Version.v1dot6 : Spec.Version.v1dot5);
  expect(await validator.validate(json)).toBeNull();
  expect(await schemaErrors(json, version)).toBeNull();
}

/**
 * Validates XML against the CycloneDX XSD shipped with the library, with libxml2's xmllint
 * (Debian libxml2-utils; the import of spdx.xsd is a local file, so nothing is fetched). The
 * library's own XML validator needs the native libxmljs2, which the bundle cannot load.
 * Skipped when xmllint is missing outside CI; in CI a missing xmllint fails.
 */
export function expectValidCycloneDxXml(xml: string, version: '1.6' | '1.5' = '1.6'): void {
  const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  if (xmllint.error) {
    if (process.env['CI']) throw new Error('xmllint is not installed (apt-get install libxml2-utils)');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sbom-xsd-'));
  const file = path.join(dir, 'bom.xml');
  writeFileSync(file, xml);
  const library = path.dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json'));
  const xsd = path.join(library, 'res/schema', `bom-${version}.SNAPSHOT.xsd`);
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, file], { encoding: 'utf8' });
  expect(r.stderr.trim(), r.stderr).toBe(`${file} validates`);
  expect(r.status).toBe(0);
}

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { ensureBundled, fixturePath, runBundledAction } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { lockfilesDir, parseBom } from './helpers.js';

/**
 * License policy and SPDX output through the bundled action, on this repository’s npm lock and
 * Debian’s Python packages.
 */

vi.setConfig({ testTimeout: 240_000, hookTimeout: 300_000 });

const ACTION = 'actions/sbom';
const spdxSchema = new Ajv({ strict: false }).compile(
  JSON.parse(readFileSync(path.join(import.meta.dirname, '../schemas/spdx-2.3.schema.json'), 'utf8')) as object,
);

function workspace(): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'sbom-lic-'));
  cpSync(path.join(lockfilesDir, 'spikeformer-npm'), path.join(ws, 'npm'), { recursive: true });
  cpSync(path.dirname(fixturePath('python-env/debian-requirements.txt')), path.join(ws, 'py'), { recursive: true });
  return ws;
}

const PERMISSIVE = [
  'MIT',
  'ISC',
  'Apache-2.0',
  'BSD-3-Clause',
  'BSD-2-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
  'Python-2.0',
];

beforeAll(() => {
  ensureBundled(ACTION);
});

describe('license policy (bundled action)', () => {
  it('a denied license fails the step with the packages named, after writing the SBOM and the outputs', async () => {
    const ws = workspace();
    const policy = JSON.stringify({ allow: PERMISSIVE, deny: ['MPL-2.0'] });
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { path: 'npm/package-lock.json', 'include-dev': 'true', 'license-policy': policy },
    });
    expect(r.exitCode).toBe(1);
    const errors = r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^sbom: license policy failed: 13 packages violate it: /);
    expect(errors[0]).toContain('elkjs 0.12.1 (EPL-2.0 OR GPL-3.0-or-later: not in allow: EPL-2.0, GPL-3.0-or-later)');
    expect(errors[0]).toContain('; lightningcss-android-arm64 1.33.0 (MPL-2.0: denied: MPL-2.0); ');
    expect(errors[0]).toMatch(/; and 3 more \(job summary\)$/);
    expect(r.stdout).not.toContain('Stack trace');
    expect(r.outputs).toMatchObject({ status: 'failed', 'license-violations': '13', 'sbom-file': 'sbom.cdx.json' });
    expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      '2 package(s) with an unknown license: h5wasm 0.10.3 (SEE LICENSE IN LICENSE.txt), khroma 2.1.0 ((none))',
    ]);
    expect(r.summary).toContain('<h3>License policy: failed</h3>');
    expect(r.summary).toContain('<tr><td>MIT</td><td>259</td><td>allowed</td></tr>');
    expect(r.summary).toContain('<tr><td>MPL-2.0</td><td>12</td><td>denied</td></tr>');
    expect(r.summary).toContain('<tr><td>MPL-2.0 OR Apache-2.0</td><td>1</td><td>allowed</td></tr>');
    const bom = parseBom(readFileSync(path.join(ws, 'sbom.cdx.json'), 'utf8'));
    expect(bom.components.find((c) => c.name === 'elkjs')?.licenses).toEqual([
      { expression: 'EPL-2.0 OR GPL-3.0-or-later' },
    ]);
  });

  it('development-only packages are not judged without include-dev; an expression satisfied by one branch passes', async () => {
    const ws = workspace();
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        path: 'npm/package-lock.json',
        'license-policy': `allow: [${PERMISSIVE.join(', ')}]\ndeny: [GPL-3.0-or-later]\nunknown: fail\n`,
      },
    });
    // Unknown: h5wasm (a runtime dependency); khroma is development-only.
    expect(r.outputs).toMatchObject({ status: 'failed', 'license-violations': '1' });
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      'sbom: license policy failed: 1 package violate it: h5wasm 0.10.3 (SEE LICENSE IN LICENSE.txt: not an SPDX license expression)',
    ]);
    expect(r.summary).toMatch(
      /\d+ packages judged against the inline policy: 1 violation\(s\), 0 unknown \(warned\), 0 accepted by an exception; \d+ development-only packages not judged/,
    );
  });

  it('a policy file with an expired exception fails and reports it; renewed, the run passes', async () => {
    const ws = workspace();
    const write = (expires: string): void =>
      writeFileSync(
        path.join(ws, '.license-policy.yml'),
        `allow: [${PERMISSIVE.join(', ')}]\nunknown: fail\nexceptions:\n  - purl: pkg:npm/h5wasm@0.10.3\n    reason: license text reviewed (HDF5 BSD-style)\n    expires: ${expires}\n`,
      );
    write('2026-01-31');
    const expired = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { path: 'npm/package-lock.json', 'license-policy': '.license-policy.yml' },
    });
    expect(expired.exitCode).toBe(1);
    expect(expired.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      'license exception pkg:npm/h5wasm@0.10.3 expired on 2026-01-31 and no longer applies (1 package)',
    ]);
    expect(expired.outputs['license-violations']).toBe('1');
    expect(expired.summary).toContain('Expired exceptions (1): no longer applied');
    expect(expired.summary).toContain('judged against .license-policy.yml');
    write('2099-12-31');
    const renewed = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { path: 'npm/package-lock.json', 'license-policy': '.license-policy.yml' },
    });
    expect(renewed.exitCode).toBe(0);
    expect(renewed.outputs).toMatchObject({ status: 'passed', 'license-violations': '0' });
    expect(renewed.summary).toContain('Accepted by an exception (1)');
  });

  it('Debian’s installed Python packages: licenses from the environment, a denied one fails with the package named', async () => {
    const ws = workspace();
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        path: 'py/debian-requirements.txt',
        'python-environment': 'py/debian-dist-packages',
        'license-policy': 'allow: [MIT, BSD-3-Clause, BSD-2-Clause, Apache-2.0]\ndeny: [LGPL-2.0-or-later]\n',
      },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(
      'py/debian-dist-packages: 32 installed distributions, licenses put on 31 components; 0 in no lockfile',
    );
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      'sbom: license policy failed: 2 packages violate it: chardet 5.1.0 (LGPL-2.0-or-later: denied: LGPL-2.0-or-later); PyGObject 3.42.2 (LGPL-2.0-or-later: denied: LGPL-2.0-or-later)',
    ]);
    expect(r.summary).toContain('<tr><td>BSD-3-Clause OR Apache-2.0</td><td>1</td><td>allowed</td></tr>');
    const bom = parseBom(readFileSync(path.join(ws, 'sbom.cdx.json'), 'utf8'));
    expect(bom.components.find((c) => c.name === 'distro')?.licenses).toEqual([{ license: { id: 'Apache-2.0' } }]);
  });
});

describe('a virtual environment made here (python3 -m venv: pip and setuptools from ensurepip, nothing downloaded)', () => {
  it('reads .venv (lib64 a link to lib: read once), puts the licenses on the pip freeze pins, in SPDX too', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'sbom-venv-'));
    const venv = spawnSync('python3', ['-m', 'venv', path.join(ws, '.venv')], { encoding: 'utf8', timeout: 120_000 });
    expect(venv.status, venv.stderr).toBe(0);
    const freeze = spawnSync(
      path.join(ws, '.venv/bin/python'),
      ['-m', 'pip', 'freeze', '--all', '--disable-pip-version-check'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(freeze.status, freeze.stderr).toBe(0);
    const pins = freeze.stdout.trim().split('\n').sort();
    expect(pins.map((p) => p.replace(/==.*$/, ''))).toEqual(['pip', 'setuptools']);
    writeFileSync(path.join(ws, 'requirements.txt'), `${pins.join('\n')}\n`);
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        path: 'requirements.txt',
        'python-environment': '.venv',
        format: 'spdx-json',
        'license-policy': 'allow: [MIT]\nunknown: fail',
      },
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('.venv: 2 installed distributions, licenses put on 2 components; 0 in no lockfile');
    expect(r.outputs).toMatchObject({ status: 'passed', 'license-violations': '0', 'sbom-file': 'sbom.spdx.json' });
    const doc = JSON.parse(readFileSync(path.join(ws, 'sbom.spdx.json'), 'utf8')) as {
      packages: Array<{ name: string; licenseDeclared: string }>;
    };
    expect(spdxSchema(doc)).toBe(true);
    expect(
      doc.packages
        .filter((p) => p.name !== 'requirements.txt')
        .map((p) => `${p.name} ${p.licenseDeclared}`)
        .sort(),
    ).toEqual(['pip MIT', 'setuptools MIT']);
  });
});

describe('SPDX 2.3 JSON output (bundled action)', () => {
  it('writes sbom.spdx.json, valid against the SPDX 2.3 schema, with the CycloneDX run’s counts; reproducible runs give the same bytes', async () => {
    const ws = workspace();
    const cdx = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { path: 'npm/package-lock.json', reproducible: 'true' },
    });
    const first = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { path: 'npm/package-lock.json', format: 'spdx-json', reproducible: 'true' },
    });
    expect(first.exitCode).toBe(0);
    expect(first.outputs).toMatchObject({
      'sbom-file': 'sbom.spdx.json',
      components: cdx.outputs['components'],
      dependencies: cdx.outputs['dependencies'],
      status: 'passed',
      'license-violations': '0',
    });
    const text = readFileSync(path.join(ws, 'sbom.spdx.json'), 'utf8');
    const doc = JSON.parse(text) as {
      packages: unknown[];
      relationships: Array<{ relationshipType: string }>;
      spdxVersion: string;
    };
    expect(spdxSchema(doc)).toBe(true);
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.packages).toHaveLength(Number(cdx.outputs['components']) + 1);
    expect(doc.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON')).toHaveLength(
      Number(cdx.outputs['dependencies']),
    );
    expect(first.summary).toContain('SPDX 2.3 JSON, schema-validated, reproducible');
    const second = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { path: 'npm/package-lock.json', format: 'spdx-json', reproducible: 'true' },
    });
    expect(readFileSync(path.join(ws, 'sbom.spdx.json'), 'utf8')).toBe(text);
    expect(second.exitCode).toBe(0);
  });

  it('an .xml output name does not go with spdx-json', async () => {
    const ws = workspace();
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { path: 'npm/package-lock.json', format: 'spdx-json', output: 'sbom.xml' },
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      "sbom: Input 'output': 'sbom.xml' does not match format 'spdx-json'",
    ]);
  });
});

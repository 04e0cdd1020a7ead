import { cpSync, chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, runBundledAction } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { expectValidCycloneDx, expectValidCycloneDxXml, lockfilesDir, parseBom } from './helpers.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 300_000 });

const ACTION = 'actions/sbom';

/** A writable workspace holding copies of the given fixture folders. */
function workspaceWith(folders: string[]): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'sbom-ws-'));
  for (const f of folders) cpSync(path.join(lockfilesDir, f), path.join(ws, f), { recursive: true });
  const chmod = (p: string): void => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chmod(path.join(p, e));
  };
  chmod(ws);
  return ws;
}

beforeAll(() => {
  ensureBundled(ACTION);
});

describe('the bundled action, run as the runner runs it', () => {
  it('finds every lockfile under path, writes a valid reproducible SBOM, outputs and summary', async () => {
    const ws = workspaceWith(['uv', 'pip', 'pnpm', 'pipenv']);
    const inputs = {
      path: '.',
      exclude: 'pipenv/**',
      reproducible: 'true',
      output: 'out/sbom.cdx.json',
      'component-name': 'spikeformer-kit',
    };
    const first = await runBundledAction(ACTION, { workspace: ws, inputs });
    expect(first.stderr.replace(/.*DeprecationWarning.*\n|.*--trace-deprecation.*\n/g, '')).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.outputs['sbom-file']).toBe('out/sbom.cdx.json');
    const text = readFileSync(path.join(ws, 'out/sbom.cdx.json'), 'utf8');
    await expectValidCycloneDx(text);
    const bom = parseBom(text);
    expect(bom.metadata.component?.name).toBe('spikeformer-kit');
    expect(
      bom.components
        .filter((c) => c['bom-ref']?.startsWith('lockfile:'))
        .map((c) => c['bom-ref'])
        .sort(),
    ).toEqual(['lockfile:pip/requirements.txt', 'lockfile:pnpm/pnpm-lock.yaml', 'lockfile:uv/uv.lock']);
    expect(Number(first.outputs['components'])).toBe(bom.components.length);
    expect(Number(first.outputs['dependencies'])).toBe(
      bom.dependencies.reduce((n, d) => n + (d.dependsOn?.length ?? 0), 0),
    );
    expect(first.summary).toContain('<th>ecosystem</th>');
    expect(first.summary).toMatch(/<td>npm<\/td><td>637<\/td>/);
    expect(first.summary).toContain('No licenses');
    expect(first.annotations.filter((a) => a.level === 'error')).toEqual([]);

    const second = await runBundledAction(ACTION, { workspace: ws, inputs });
    expect(second.exitCode).toBe(0);
    expect(readFileSync(path.join(ws, 'out/sbom.cdx.json'), 'utf8')).toBe(text);
  });

  it('outputs components and dependencies as the document counts them: one lockfile, its project the subject (not a component)', async () => {
    const ws = workspaceWith(['npm']);
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { path: 'npm/package-lock.json', reproducible: 'true' },
    });
    expect(r.exitCode).toBe(0);
    const bom = parseBom(readFileSync(path.join(ws, 'sbom.cdx.json'), 'utf8'));
    expect(bom.components).toHaveLength(1178);
    expect(r.outputs['components']).toBe('1178');
    expect(r.outputs['dependencies']).toBe(
      String(bom.dependencies.reduce((n, d) => n + (d.dependsOn?.length ?? 0), 0)),
    );
    expect(r.stdout).toContain(
      `wrote sbom.cdx.json: 1178 components, ${r.outputs['dependencies'] ?? ''} dependency edges`,
    );
  });

  it('a malformed lockfile fails with one error naming the file and line', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'sbom-bad-'));
    writeFileSync(path.join(ws, 'poetry.lock'), '[[package]]\nname = "six"\nversion = 1.16.0"\n');
    const r = await runBundledAction(ACTION, { workspace: ws, inputs: { path: 'poetry.lock' } });
    expect(r.exitCode).toBe(1);
    const errors = r.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.file).toBe('poetry.lock');
    expect(errors[0]?.line).toBe(3);
    expect(errors[0]?.message).toMatch(/^sbom: poetry\.lock:3:\d+: invalid TOML/);
    expect(r.stdout).not.toContain('Stack trace');
  });

  it('writes CycloneDX 1.5 XML when asked (validated by the on-demand 1.5 validator)', async () => {
    const ws = workspaceWith(['uv']);
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: { path: 'uv', format: 'xml', 'spec-version': '1.5', 'dependency-submission': 'false' },
    });
    expect(r.exitCode).toBe(0);
    expect(r.outputs['sbom-file']).toBe('sbom.cdx.xml');
    expect(readFileSync(path.join(ws, 'sbom.cdx.xml'), 'utf8')).toMatch(
      /^<\?xml[^>]*>\s*<bom xmlns="http:\/\/cyclonedx.org\/schema\/bom\/1.5"/,
    );
    expectValidCycloneDxXml(readFileSync(path.join(ws, 'sbom.cdx.xml'), 'utf8'), '1.5');
    // The dependency submission is covered against the GitHub API double (dependency-submission.e2e.test.ts).
    expect(r.annotations).toEqual([]);
  });
});

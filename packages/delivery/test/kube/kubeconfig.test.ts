import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKubeDouble } from '@spikeformer-actions/testing/kube';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Kubectl, looksInline, resolveKubeconfig } from '../../src/kube/index.js';

afterEach(() => vi.restoreAllMocks());

describe('the kubeconfig input', () => {
  test('a path passes through untouched', () => {
    expect(resolveKubeconfig(' /home/runner/.kube/config ')).toEqual({ path: '/home/runner/.kube/config', inline: false, contexts: [] });
    expect(looksInline('kubeconfig.yaml')).toBeUndefined();
  });

  test('inline YAML (or its base64) is written privately, its credentials masked, and kubectl uses it', async () => {
    const kube = await startKubeDouble();
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-test-'));
    try {
      const yaml = readFileSync(kube.newClient().kubeconfig, 'utf8');
      const writes: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        writes.push(String(chunk));
        return true;
      });
      const fromB64 = resolveKubeconfig(Buffer.from(yaml).toString('base64'), dir);
      const resolved = resolveKubeconfig(yaml, dir);
      vi.restoreAllMocks();
      expect(resolved.inline).toBe(true);
      expect(resolved.contexts).toEqual(['double', 'elsewhere']);
      expect(readFileSync(fromB64.path, 'utf8')).toBe(yaml);
      expect(statSync(resolved.path).mode & 0o777).toBe(0o600);
      expect(writes.join('')).toContain('::add-mask::spikeformer-test-token');
      const k = new Kubectl({ kubeconfig: resolved.path, context: 'double', cacheDir: path.join(dir, 'cache') });
      expect((await k.serverVersion()).minor).toBe('32');
    } finally {
      await kube.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('inline content without clusters is refused', () => {
    expect(() => resolveKubeconfig('apiVersion: v1\nkind: Config\n')).toThrow(/neither a file path nor a kubeconfig/);
  });
});

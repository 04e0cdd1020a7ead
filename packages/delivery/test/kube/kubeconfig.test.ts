import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKubeDouble } from '@spikeformer-actions/testing/kube';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { InputError } from '@spikeformer-actions/core';
import { Kubectl, looksInline, resolveKubeconfig } from '../../src/kube/index.js';
import { readKubeconfigInput } from '../../src/rollout/kubeconfig-input.js';

afterEach(() => vi.restoreAllMocks());

describe('the kubeconfig input', () => {
  test('a path passes through untouched', () => {
    expect(resolveKubeconfig(' /home/runner/.kube/config ')).toEqual({
      path: '/home/runner/.kube/config',
      inline: false,
      contexts: [],
    });
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

describe('the kubeconfig input, hostile or awkward', () => {
  const yaml =
    'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:1"}\nusers:\n- name: u\n  user: {token: wrapped-secret-token}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n';

  function captured(fn: () => unknown): { writes: string; error: unknown } {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    } finally {
      vi.restoreAllMocks();
    }
    return { writes: writes.join(''), error };
  }

  test('base64 wrapped at 76 columns (GNU base64) is read as the kubeconfig it encodes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-test-'));
    try {
      const wrapped = (
        Buffer.from(yaml)
          .toString('base64')
          .match(/.{1,76}/g) ?? []
      ).join('\n');
      expect(wrapped.split('\n').length).toBeGreaterThan(2);
      const { writes, error } = captured(() => resolveKubeconfig(`${wrapped}\n`, dir));
      expect(error).toBeUndefined();
      expect(writes).toContain('::add-mask::wrapped-secret-token');
      const resolved = resolveKubeconfig(wrapped.replace(/\n/g, '\r\n'), dir);
      expect(resolved).toMatchObject({ inline: true, contexts: ['c'] });
      expect(readFileSync(resolved.path, 'utf8')).toBe(yaml);
      const unpadded = Buffer.from(yaml).toString('base64').replace(/=+$/, '');
      expect(resolveKubeconfig(unpadded, dir)).toMatchObject({ inline: true, contexts: ['c'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a value that is neither a kubeconfig nor an existing file is masked first and never echoed', () => {
    for (const value of ['dG9rZW4xMjM=', 'c2VjcmV0LXZhbHVlLW5vdC1hLWt1YmVjb25maWc=', 'not/a/file/s3cr3t']) {
      process.env['INPUT_KUBECONFIG'] = value;
      const { writes, error } = captured(() => readKubeconfigInput('kubeconfig'));
      delete process.env['INPUT_KUBECONFIG'];
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(
        "Input 'kubeconfig': is neither a kubeconfig (YAML, JSON or base64 of either) nor the path of an existing file (the value is not shown: it may be a secret)",
      );
      expect(writes.split('\n')[0]).toBe(`::add-mask::${value}`);
      expect(
        writes
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
      ).not.toContain(value);
    }
  });
});

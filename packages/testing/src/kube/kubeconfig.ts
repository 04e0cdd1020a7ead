import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** A test's own kubectl set-up: kubeconfig, discovery cache and HOME, all in one temp dir. */
export interface KubeClientEnv {
  dir: string;
  kubeconfig: string;
  cacheDir: string;
  /**
   * Context names in the kubeconfig: `double` (the default, namespace `default`) and `elsewhere`
   * (namespace `staging`, same server).
   */
  contexts: string[];
  /** `--kubeconfig … --cache-dir …` for a kubectl command line. */
  args: string[];
  /** Environment for kubectl: KUBECONFIG and HOME point into `dir`, nothing leaks from the user's ~/.kube. */
  env: NodeJS.ProcessEnv;
  /** Runs the machine's kubectl against the double (bounded by `timeoutMs`, default 30 s). */
  kubectl(
    args: readonly string[],
    options?: { input?: string; timeoutMs?: number },
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
  cleanup(): void;
}

/** The kubectl binary tests use: `$KUBECTL` or `kubectl` on PATH (the machine image's dispatcher). */
export function kubectlBinary(): string {
  return process.env['KUBECTL'] ?? 'kubectl';
}

export function writeClientEnv(server: string, token = 'spikeformer-test-token'): KubeClientEnv {
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-double-'));
  const cacheDir = path.join(dir, 'cache');
  mkdirSync(cacheDir);
  const kubeconfig = path.join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'double', cluster: { server } }],
    users: [{ name: 'tester', user: { token } }],
    contexts: [
      { name: 'double', context: { cluster: 'double', user: 'tester', namespace: 'default' } },
      { name: 'elsewhere', context: { cluster: 'double', user: 'tester', namespace: 'staging' } },
    ],
    'current-context': 'double',
  };
  writeFileSync(kubeconfig, stringify(config), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  const args = ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir];
  return {
    dir,
    kubeconfig,
    cacheDir,
    contexts: ['double', 'elsewhere'],
    args,
    env,
    kubectl: (extra, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(kubectlBinary(), [...args, ...extra], { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
        child.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
        child.stdin.end(options.input ?? '');
      }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

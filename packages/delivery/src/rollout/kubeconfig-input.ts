import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError, inputs, maskSecret, workspaceRoot } from '@spikeformer-actions/core';
import { resolveKubeconfig } from '../kube/kubeconfig.js';

/**
 * The deploy actions' `kubeconfig` input, as kubectl's --kubeconfig: empty for kubectl's default
 * (KUBECONFIG, which azure/k8s-set-context exports, or ~/.kube/config); a path anywhere (usually
 * under RUNNER_TEMP, outside the workspace; relative paths are workspace-relative); or the
 * kubeconfig itself (YAML, JSON or base64, e.g. from a secret), masked and written to a 0600 file.
 * A value that is no kubeconfig may still be a secret pasted into the wrong place (a token, a
 * short base64 string): one-line values are masked before any use, and no message shows them.
 */
export function readKubeconfigInput(name = 'kubeconfig'): string {
  const raw = inputs.getString(name);
  if (raw === '') return '';
  if (!raw.trim().includes('\n')) maskSecret(raw.trim());
  const resolved = resolveKubeconfig(raw, undefined, name);
  if (resolved.inline) return resolved.path;
  const file = path.resolve(workspaceRoot(), resolved.path);
  if (!existsSync(file))
    throw new InputError(
      name,
      'is neither a kubeconfig (YAML, JSON or base64 of either) nor the path of an existing file (the value is not shown: it may be a secret)',
    );
  return file;
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, inputs, maskSecret } from '@spikeformer-actions/core';

/** The credential fields of a kubeconfig's users that must never reach a log. */
const SECRET_FIELDS = ['token', 'password', 'client-key-data', 'client-certificate-data'];

export interface ResolvedKubeconfig {
  /** A path kubectl can read (the input itself, or a 0600 file holding inline content). */
  path: string;
  inline: boolean;
  /** Contexts the kubeconfig defines (inline content only; empty for a path). */
  contexts: string[];
}

/** Base64 as `base64` prints it: possibly wrapped (GNU wraps at 76 columns), padded or not. */
const BASE64_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;

function looksLikeKubeconfig(text: string): boolean {
  return /(^|\n)\s*"?apiVersion"?\s*:/.test(text) && /clusters/.test(text);
}

/**
 * Inline kubeconfig content (YAML or JSON; base64 of either, wrapped or not) is told apart from
 * a path by its shape: a path has no newline and is not base64 of a document with `apiVersion`.
 */
export function looksInline(value: string): string | undefined {
  const trimmed = value.trim();
  const compact = trimmed.replace(/\s+/g, '');
  if (compact.length >= 16 && compact.length % 4 !== 1 && BASE64_TEXT.test(compact)) {
    const decoded = Buffer.from(compact, 'base64').toString('utf8');
    if (looksLikeKubeconfig(decoded)) return decoded;
  }
  if (trimmed.includes('\n') || trimmed.startsWith('{') || /^apiVersion\s*:/.test(trimmed)) return trimmed;
  return undefined;
}

/**
 * Turns the `kubeconfig` input into something kubectl reads: a path is passed through; inline
 * content has its credentials masked and is written to a private file under `dir`
 * (default RUNNER_TEMP or the OS temp dir).
 */
export function resolveKubeconfig(
  value: string,
  dir: string = process.env['RUNNER_TEMP'] || tmpdir(),
  input = 'kubeconfig',
): ResolvedKubeconfig {
  const content = looksInline(value);
  if (content === undefined) return { path: value.trim(), inline: false, contexts: [] };
  // The whole value of a one-token form (base64, wrapped or not) is the secret; YAML/JSON
  // content has its credential fields masked below.
  if (content !== value.trim()) maskSecret(value.trim());
  const parsed = inputs.parseYamlInput(input, content);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Array.isArray((parsed as Record<string, unknown>)['clusters'])
  ) {
    throw new InputError(input, 'is neither a file path nor a kubeconfig (no clusters)');
  }
  const config = parsed as { users?: { user?: Record<string, unknown> }[]; contexts?: { name?: string }[] };
  for (const u of config.users ?? []) {
    for (const field of SECRET_FIELDS) {
      const secret = u.user?.[field];
      if (typeof secret === 'string') maskSecret(secret);
    }
  }
  const file = path.join(mkdtempSync(path.join(dir, 'kubeconfig-')), 'config');
  writeFileSync(file, content, { mode: 0o600 });
  return {
    path: file,
    inline: true,
    contexts: (config.contexts ?? []).map((c) => c.name ?? '').filter((n) => n !== ''),
  };
}

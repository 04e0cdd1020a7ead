import { InputError } from '@spikeformer-actions/core';

/** A container image reference pinned by digest: `registry[:port]/repo/name@sha256:<hex>`. */
export interface ImageReference {
  registry: string;
  repository: string;
  digest: string;
  /** Tag shown alongside the digest (`name:tag@sha256:…`), informational only. */
  tag?: string;
}

export type ReferenceParse = { ok: true; value: ImageReference } | { ok: false; problem: string };

const REPO_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Parses a digest-pinned reference; a tag alone is refused (a tag can move between sign and verify). */
export function parseImageReference(text: string): ReferenceParse {
  const trimmed = text.trim();
  const at = trimmed.indexOf('@');
  if (at < 0)
    return { ok: false, problem: `"${trimmed}" is not pinned by digest (expected registry/name@sha256:<64 hex>)` };
  const digest = trimmed.slice(at + 1);
  if (!/^sha256:[a-f0-9]{64}$/.test(digest))
    return { ok: false, problem: `"${digest}" is not a sha256 digest (sha256:<64 lowercase hex>)` };
  let name = trimmed.slice(0, at);
  let tag: string | undefined;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  // Docker's rule: the first component is a registry when it has a dot or a port, or is localhost.
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? name.slice(slash + 1) : name;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (repository === '' || !repository.split('/').every((c) => REPO_COMPONENT.test(c))) {
    return { ok: false, problem: `"${repository}" is not a valid repository name` };
  }
  return { ok: true, value: { registry, repository, digest, ...(tag ? { tag } : {}) } };
}

export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}@${ref.digest}`;
}

/** The API host of a registry (Docker Hub's registry name differs from its API host). */
export function registryApiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** An `image` action input: undefined when empty; a bad reference is an InputError naming the input. */
export function imageInput(input: string, text: string): ImageReference | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new InputError(input, parsed.problem);
  return parsed.value;
}

import { httpRequest, type HttpResponse } from '@spikeformer-actions/core';
import { fallbackTag, ociDigest } from '../digest.js';
import type { RegistryCredentials } from './docker-config.js';
import {
  EMPTY_CONFIG_BYTES,
  MANIFEST_ACCEPT,
  OCI_EMPTY_CONFIG,
  OCI_INDEX,
  OCI_MANIFEST,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './media-types.js';
import { registryApiHost } from './reference.js';

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface RegistryClientOptions {
  registry: string;
  credentials?: RegistryCredentials;
  /** Plain HTTP; on by default only for localhost/127.0.0.1 (as docker does). */
  plainHttp?: boolean;
  timeoutMs?: number;
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export interface AttachResult {
  manifestDigest: string;
  /** How the artifact was linked: the registry's referrers API, or the sha256-<digest> tag index. */
  via: 'referrers-api' | 'tag-fallback';
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string): Challenge | null {
  const m = /^(\w+)\s*(.*)$/.exec(header.trim());
  if (!m || !m[1]) return null;
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) if (p[1]) params[p[1].toLowerCase()] = p[2] ?? '';
  return { scheme: m[1].toLowerCase(), params };
}

function isLocal(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/**
 * A minimal OCI distribution client: manifests, blobs, the referrers API and its
 * `sha256-<digest>` tag fallback (OCI distribution-spec 1.1), with basic and bearer-token auth.
 */
export class RegistryClient {
  private readonly base: string;
  private authorization: string | undefined;
  private readonly secrets: string[];

  constructor(private readonly options: RegistryClientOptions) {
    const plain = options.plainHttp ?? isLocal(options.registry);
    this.base = `${plain ? 'http' : 'https'}://${registryApiHost(options.registry)}`;
    this.secrets = options.credentials ? [options.credentials.password] : [];
  }

  private async send(
    method: string,
    pathOrUrl: string,
    headers: Record<string, string> = {},
    body?: Buffer,
  ): Promise<HttpResponse> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.base}${pathOrUrl}`;
    const attempt = (): Promise<HttpResponse> =>
      httpRequest(url, {
        method,
        headers: { ...headers, ...(this.authorization ? { Authorization: this.authorization } : {}) },
        body,
        attempts: 3,
        readTimeoutMs: this.options.timeoutMs ?? 30_000,
        connectTimeoutMs: 10_000,
        secrets: this.secrets,
      });
    let res = await attempt();
    if (res.status === 401) {
      const challenge = parseChallenge(res.headers['www-authenticate'] ?? '');
      if (challenge && (await this.authenticate(challenge))) res = await attempt();
    }
    return res;
  }

  private async authenticate(challenge: Challenge): Promise<boolean> {
    const creds = this.options.credentials;
    if (challenge.scheme === 'basic') {
      if (!creds) return false;
      this.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      return true;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params['realm']) return false;
    const url = new URL(challenge.params['realm']);
    if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
    if (challenge.params['scope']) url.searchParams.set('scope', challenge.params['scope']);
    const headers: Record<string, string> = creds
      ? { Authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` }
      : {};
    const res = await httpRequest(url.toString(), { headers, attempts: 3, secrets: this.secrets });
    if (res.status !== 200)
      throw new RegistryError(`token request to ${url.host} was refused (HTTP ${res.status})`, res.status);
    const json = res.json() as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) throw new RegistryError(`token response from ${url.host} has no token`);
    this.secrets.push(token);
    this.authorization = `Bearer ${token}`;
    return true;
  }

  private fail(what: string, res: HttpResponse): never {
    const detail = res.text().slice(0, 300).replace(/\s+/g, ' ');
    throw new RegistryError(
      `${what}: HTTP ${res.status} from ${this.options.registry}${detail ? ` (${detail})` : ''}`,
      res.status,
    );
  }

  async getManifest(repository: string, reference: string): Promise<FetchedManifest | null> {
    const res = await this.send('GET', `/v2/${repository}/manifests/${reference}`, { Accept: MANIFEST_ACCEPT });
    if (res.status === 404) return null;
    if (res.status !== 200) this.fail(`GET manifest ${repository}:${reference}`, res);
    const digest = ociDigest(res.body);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new RegistryError(
        `manifest ${repository}@${reference} served by ${this.options.registry} has digest ${digest}`,
      );
    }
    const mediaType = (res.headers['content-type'] ?? '').split(';')[0] ?? '';
    const declared = (JSON.parse(res.body.toString('utf8')) as { mediaType?: string }).mediaType;
    return { bytes: res.body, mediaType: declared ?? mediaType, digest };
  }

  async getBlob(repository: string, digest: string, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    const res = await this.send('GET', `/v2/${repository}/blobs/${digest}`);
    if (res.status !== 200) this.fail(`GET blob ${repository}@${digest}`, res);
    if (res.body.length > maxBytes) throw new RegistryError(`blob ${digest} is larger than ${maxBytes} bytes`);
    if (ociDigest(res.body) !== digest)
      throw new RegistryError(`blob ${digest} served by ${this.options.registry} does not match its digest`);
    return res.body;
  }

  async pushBlob(repository: string, data: Buffer): Promise<Descriptor & { mediaType: '' }> {
    const digest = ociDigest(data);
    const head = await this.send('HEAD', `/v2/${repository}/blobs/${digest}`);
    if (head.status === 200) return { mediaType: '', digest, size: data.length };
    const start = await this.send(
      'POST',
      `/v2/${repository}/blobs/uploads/`,
      { 'Content-Length': '0' },
      Buffer.alloc(0),
    );
    if (start.status !== 202) this.fail(`start blob upload to ${repository}`, start);
    const location = start.headers['location'] ?? '';
    if (!location) throw new RegistryError(`blob upload to ${repository}: no Location header`);
    const url = new URL(location, this.base);
    url.searchParams.set('digest', digest);
    const put = await this.send(
      'PUT',
      url.toString(),
      { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) },
      data,
    );
    if (put.status !== 201) this.fail(`upload blob ${digest} to ${repository}`, put);
    return { mediaType: '', digest, size: data.length };
  }

  /** PUT a manifest; `subjectLinked` is true when the registry answered with OCI-Subject (it indexes referrers). */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<{ digest: string; subjectLinked: boolean }> {
    const res = await this.send(
      'PUT',
      `/v2/${repository}/manifests/${reference}`,
      { 'Content-Type': mediaType },
      bytes,
    );
    if (res.status !== 201) this.fail(`PUT manifest ${repository}:${reference}`, res);
    return { digest: ociDigest(bytes), subjectLinked: res.headers['oci-subject'] !== undefined };
  }

  /**
   * Artifacts referring to `digest`: the referrers API when the registry has it, else the
   * `sha256-<hex>` tag index (a 404 on the API means it is not supported).
   */
  async referrers(
    repository: string,
    digest: string,
    artifactType?: string,
  ): Promise<{ descriptors: Descriptor[]; via: AttachResult['via'] }> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const res = await this.send('GET', `/v2/${repository}/referrers/${digest}${query}`, { Accept: OCI_INDEX });
    let descriptors: Descriptor[];
    let via: AttachResult['via'];
    if (res.status === 200 && (res.headers['content-type'] ?? '').startsWith(OCI_INDEX)) {
      descriptors = (JSON.parse(res.body.toString('utf8')) as Partial<ImageIndex>).manifests ?? [];
      via = 'referrers-api';
    } else if (res.status === 404 || res.status === 200 || res.status === 400 || res.status === 405) {
      const index = await this.getManifest(repository, fallbackTag(digest));
      descriptors = index ? ((JSON.parse(index.bytes.toString('utf8')) as Partial<ImageIndex>).manifests ?? []) : [];
      via = 'tag-fallback';
    } else {
      this.fail(`GET referrers of ${repository}@${digest}`, res);
    }
    return {
      descriptors: artifactType ? descriptors.filter((d) => d.artifactType === artifactType) : descriptors,
      via,
    };
  }

  /**
   * Attaches `data` as an OCI artifact whose subject is `subject` (cosign 3 layout: empty
   * config, one layer, artifactType). Where the registry does not index the subject, the
   * fallback tag index is updated so that referrers() finds it.
   */
  async attach(
    repository: string,
    subject: Descriptor,
    artifactType: string,
    data: Buffer,
    annotations: Record<string, string> = {},
  ): Promise<AttachResult> {
    const config = await this.pushBlob(repository, EMPTY_CONFIG_BYTES);
    const layer = await this.pushBlob(repository, data);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config: { mediaType: OCI_EMPTY_CONFIG, digest: config.digest, size: config.size },
      layers: [{ mediaType: artifactType, digest: layer.digest, size: layer.size }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations,
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = ociDigest(bytes);
    const put = await this.putManifest(repository, digest, bytes, OCI_MANIFEST);
    if (put.subjectLinked) return { manifestDigest: digest, via: 'referrers-api' };
    // Check the API too: some registries index subjects without sending OCI-Subject.
    const probe = await this.send('GET', `/v2/${repository}/referrers/${subject.digest}`, { Accept: OCI_INDEX });
    if (probe.status === 200 && (probe.headers['content-type'] ?? '').startsWith(OCI_INDEX)) {
      return { manifestDigest: digest, via: 'referrers-api' };
    }
    const tag = fallbackTag(subject.digest);
    const existing = await this.getManifest(repository, tag);
    const index: Partial<ImageIndex> = existing
      ? (JSON.parse(existing.bytes.toString('utf8')) as Partial<ImageIndex>)
      : { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
    const manifests = (index.manifests ?? []).filter((d) => d.digest !== digest);
    manifests.push({
      mediaType: OCI_MANIFEST,
      digest,
      size: bytes.length,
      artifactType,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    });
    index.manifests = manifests;
    await this.putManifest(repository, tag, Buffer.from(JSON.stringify(index)), OCI_INDEX);
    return { manifestDigest: digest, via: 'tag-fallback' };
  }

  /** The descriptor of a manifest (for an artifact's subject). */
  async describe(repository: string, digest: string): Promise<Descriptor> {
    const m = await this.getManifest(repository, digest);
    if (!m) throw new RegistryError(`image ${repository}@${digest} not found on ${this.options.registry}`, 404);
    return { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
  }
}

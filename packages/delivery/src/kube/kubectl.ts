import { debug, execCommand, formatDuration, type ExecResult } from '@spikeformer-actions/core';
import { sleep } from '../sleep.js';
import { classifyFailure, ConflictError, KubectlError, summariseStderr } from './errors.js';
import { DEFAULT_RETRY, retryDelay, shouldRetry, type RetryPolicy } from './retry.js';
import type { KubeList, KubeObject } from './types.js';

export interface KubectlOptions {
  /** The kubectl binary (default `kubectl` on PATH). */
  kubectl?: string;
  kubeconfig?: string;
  context?: string;
  /** Namespace of every namespaced command (default: the context's). */
  namespace?: string;
  /** kubectl's discovery/HTTP cache directory (`--cache-dir`). */
  cacheDir?: string;
  /** Per HTTP request timeout (`--request-timeout`, default 30 s). */
  requestTimeoutMs?: number;
  /** Deadline of one kubectl process (default 120 s; waits pass their own). */
  commandTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  env?: NodeJS.ProcessEnv;
  /** For tests: how to wait between attempts, and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  /** Retry transient failures (default true). */
  retry?: boolean;
  /** Leave out `--namespace` (cluster-scoped or `-A` commands). */
  noNamespace?: boolean;
}

/** One attempt as it happened, kept for the summary and for tests. */
export interface AttemptRecord {
  args: readonly string[];
  attempt: number;
  exitCode: number | null;
  kind?: string;
  delayMs?: number;
}

export type PatchType = 'strategic' | 'merge' | 'json';

function objectRef(resource: string, name: string): string {
  return `${resource}/${name}`;
}

/**
 * Drives the user's kubectl with argument arrays only: `-o json` answers parsed into types,
 * bounded retries with jittered backoff on transient API failures (429, 5xx, connection
 * trouble) and never on 4xx, and resourceVersion preconditions on every write that follows a read.
 */
export class Kubectl {
  readonly binary: string;
  readonly namespace: string | undefined;
  readonly policy: RetryPolicy;
  /** Every attempt of every command (bounded to the last 500). */
  readonly attempts: AttemptRecord[] = [];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: KubectlOptions = {}) {
    this.binary = options.kubectl ?? 'kubectl';
    this.namespace = options.namespace;
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
    this.random = options.random ?? Math.random;
  }

  /** Global flags: connection, identity and namespace. */
  globalArgs(noNamespace = false): string[] {
    const o = this.options;
    const args: string[] = [];
    if (o.kubeconfig) args.push('--kubeconfig', o.kubeconfig);
    if (o.context) args.push('--context', o.context);
    if (o.namespace && !noNamespace) args.push('--namespace', o.namespace);
    if (o.cacheDir) args.push('--cache-dir', o.cacheDir);
    args.push(`--request-timeout=${Math.ceil((o.requestTimeoutMs ?? 30_000) / 1000)}s`);
    return args;
  }

  /** Runs one kubectl command; throws KubectlError (ConflictError for 409 Conflict) when it fails for good. */
  async run(args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
    const full = [...this.globalArgs(options.noNamespace), ...args];
    const shown = `kubectl ${args.join(' ')}`;
    for (let attempt = 1; ; attempt++) {
      const result = await execCommand(this.binary, full, {
        input: options.input,
        timeoutMs: options.timeoutMs ?? this.options.commandTimeoutMs ?? 120_000,
        env: this.options.env,
        maxOutputBytes: 32 * 1024 * 1024,
      });
      const record: AttemptRecord = { args, attempt, exitCode: result.exitCode };
      this.attempts.push(record);
      if (this.attempts.length > 500) this.attempts.shift();
      if (result.exitCode === 0 && !result.timedOut) return result;
      const failure = classifyFailure(result.stderr, result.timedOut);
      record.kind = failure.kind;
      const message = result.timedOut
        ? `timed out after ${formatDuration(options.timeoutMs ?? this.options.commandTimeoutMs ?? 120_000)}`
        : summariseStderr(result.stderr);
      if (options.retry !== false && shouldRetry(failure.kind, attempt, this.policy)) {
        const delay = retryDelay(attempt, this.policy, this.random);
        record.delayMs = delay;
        debug(
          `${shown}: attempt ${attempt}/${this.policy.attempts} failed (${failure.reason ?? failure.kind}); retrying in ${delay} ms`,
        );
        await this.sleep(delay);
        continue;
      }
      const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
      if (failure.kind === 'conflict')
        throw new ConflictError(`${shown} failed${tries}: ${message}`, shown, undefined, attempt, result.stderr);
      throw new KubectlError(
        `${shown} failed${tries}: ${message}`,
        failure.kind,
        attempt,
        result.stderr,
        failure.status,
      );
    }
  }

  /** Runs a command with `-o json` and parses its answer. */
  async json<T>(args: readonly string[], options: RunOptions = {}): Promise<T> {
    const result = await this.run([...args, '-o', 'json'], options);
    try {
      return JSON.parse(result.stdout) as T;
    } catch {
      throw new KubectlError(
        `kubectl ${args.join(' ')} printed no valid JSON: ${result.stdout.slice(0, 200)}`,
        'other',
        1,
        result.stderr,
      );
    }
  }

  /** One object, or undefined when it does not exist. */
  async get<T extends KubeObject>(resource: string, name: string): Promise<T | undefined> {
    try {
      return await this.json<T>(['get', resource, name]);
    } catch (error) {
      if (error instanceof KubectlError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  async mustGet<T extends KubeObject>(resource: string, name: string): Promise<T> {
    const found = await this.get<T>(resource, name);
    if (!found)
      throw new KubectlError(
        `${objectRef(resource, name)} not found${this.namespace ? ` in namespace ${this.namespace}` : ''}`,
        'not-found',
        1,
        '',
        404,
      );
    return found;
  }

  async list<T extends KubeObject>(
    resource: string,
    options: { labelSelector?: string; fieldSelector?: string; allNamespaces?: boolean } = {},
  ): Promise<KubeList<T>> {
    const args = ['get', resource];
    if (options.labelSelector) args.push('-l', options.labelSelector);
    if (options.fieldSelector) args.push('--field-selector', options.fieldSelector);
    if (options.allNamespaces) args.push('--all-namespaces');
    return this.json<KubeList<T>>(args, { noNamespace: options.allNamespaces });
  }

  /**
   * Creates an object; fails with kind `already-exists` if it is there. Like every command it is
   * retried on transient failures, so a 5xx that hid a successful create also ends as
   * `already-exists`: callers that own the name can then read it back.
   */
  async create<T extends KubeObject>(object: T, options: { dryRun?: boolean } = {}): Promise<T> {
    const args = ['create', '-f', '-'];
    if (options.dryRun) args.push('--dry-run=server');
    return this.json<T>(args, { input: JSON.stringify(object) });
  }

  /** `kubectl apply` of one or more objects (client- or server-side); returns what the server stored. */
  async apply(
    objects: readonly KubeObject[],
    options: { serverSide?: boolean; fieldManager?: string; forceConflicts?: boolean; dryRun?: boolean } = {},
  ): Promise<KubeObject[]> {
    const args = ['apply', '-f', '-'];
    if (options.serverSide) args.push('--server-side');
    if (options.fieldManager) args.push(`--field-manager=${options.fieldManager}`);
    if (options.forceConflicts) args.push('--force-conflicts');
    if (options.dryRun) args.push('--dry-run=server');
    // a YAML stream of JSON documents (JSON is YAML; the leading `---` makes kubectl read YAML):
    // a `List` would make kubectl look for OpenAPI v2 to validate it
    const input = `---\n${objects.map((o) => JSON.stringify(o)).join('\n---\n')}\n`;
    const result = await this.json<KubeObject | KubeList>(args, { input });
    return 'items' in result && Array.isArray(result.items) ? (result.items as KubeObject[]) : [result as KubeObject];
  }

  /**
   * Replaces an object read earlier. Its metadata.resourceVersion is the precondition: a
   * concurrent change makes the server answer 409 and this throws ConflictError.
   */
  async replace<T extends KubeObject>(object: T): Promise<T> {
    const rv = object.metadata.resourceVersion;
    const ref = objectRef(object.kind.toLowerCase(), object.metadata.name);
    if (!rv)
      throw new KubectlError(
        `refusing to replace ${ref} without a resourceVersion: that would overwrite concurrent changes`,
        'other',
        0,
        '',
      );
    try {
      return await this.json<T>(['replace', '-f', '-'], { input: JSON.stringify(object) });
    } catch (error) {
      if (error instanceof ConflictError) {
        throw new ConflictError(
          `${ref} was changed by someone else since resourceVersion ${rv} was read; not overwriting it (${error.message})`,
          ref,
          rv,
          error.attempts,
          error.stderr,
        );
      }
      throw error;
    }
  }

  /**
   * Patches an object. With `resourceVersion` the patch only applies to that version (409 →
   * ConflictError otherwise): merge/strategic patches carry it in metadata, JSON patches replace it.
   */
  async patch<T extends KubeObject>(
    resource: string,
    name: string,
    patch: unknown,
    options: { type?: PatchType; resourceVersion?: string; subresource?: 'status' | 'scale' } = {},
  ): Promise<T> {
    const type = options.type ?? 'strategic';
    let body = patch;
    if (options.resourceVersion) {
      if (type === 'json') {
        if (!Array.isArray(patch))
          throw new KubectlError('a JSON patch must be an array of operations', 'bad-request', 0, '');
        body = [
          { op: 'replace', path: '/metadata/resourceVersion', value: options.resourceVersion },
          ...(patch as unknown[]),
        ];
      } else {
        const p = (typeof patch === 'object' && patch !== null ? patch : {}) as Record<string, unknown>;
        const meta = (typeof p['metadata'] === 'object' && p['metadata'] !== null ? p['metadata'] : {}) as Record<
          string,
          unknown
        >;
        body = { ...p, metadata: { ...meta, resourceVersion: options.resourceVersion } };
      }
    }
    const args = ['patch', resource, name, `--type=${type}`, '-p', JSON.stringify(body)];
    if (options.subresource) args.push(`--subresource=${options.subresource}`);
    try {
      return await this.json<T>(args);
    } catch (error) {
      if (error instanceof ConflictError) {
        const ref = objectRef(resource, name);
        throw new ConflictError(
          `${ref} was changed by someone else since resourceVersion ${options.resourceVersion ?? '?'} was read; not patching it (${error.message})`,
          ref,
          options.resourceVersion,
          error.attempts,
          error.stderr,
        );
      }
      throw error;
    }
  }

  /** Sets replicas through the scale subresource; with `resourceVersion` only on that version. */
  async scale(
    resource: string,
    name: string,
    replicas: number,
    options: { resourceVersion?: string } = {},
  ): Promise<void> {
    const args = ['scale', resource, name, `--replicas=${replicas}`];
    if (options.resourceVersion) args.push(`--resource-version=${options.resourceVersion}`);
    try {
      await this.run(args);
    } catch (error) {
      if (error instanceof KubectlError && options.resourceVersion && error.kind === 'conflict') {
        const ref = objectRef(resource, name);
        throw new ConflictError(
          `${ref} was changed by someone else since resourceVersion ${options.resourceVersion} was read; not scaling it (${error.message})`,
          ref,
          options.resourceVersion,
          error.attempts,
          error.stderr,
        );
      }
      throw error;
    }
  }

  /** The API server's version (`kubectl version`), e.g. `{ major: '1', minor: '32', gitVersion: 'v1.32.0' }`. */
  async serverVersion(): Promise<{ major: string; minor: string; gitVersion: string }> {
    const v = await this.json<{ serverVersion?: { major: string; minor: string; gitVersion: string } }>(['version'], {
      noNamespace: true,
    });
    if (!v.serverVersion) throw new KubectlError('kubectl version printed no server version', 'other', 1, '');
    return v.serverVersion;
  }

  /** Deletes an object; missing is fine with `ignoreNotFound`. `wait` blocks until it is gone. */
  async delete(
    resource: string,
    name: string,
    options: {
      ignoreNotFound?: boolean;
      wait?: boolean;
      timeoutMs?: number;
      cascade?: 'background' | 'foreground' | 'orphan';
    } = {},
  ): Promise<boolean> {
    const args = ['delete', resource, name, `--wait=${options.wait === true}`];
    if (options.cascade) args.push(`--cascade=${options.cascade}`);
    if (options.wait && options.timeoutMs) args.push(`--timeout=${Math.ceil(options.timeoutMs / 1000)}s`);
    try {
      await this.run(args, { timeoutMs: options.timeoutMs ? options.timeoutMs + 10_000 : undefined });
      return true;
    } catch (error) {
      if (options.ignoreNotFound && error instanceof KubectlError && error.kind === 'not-found') return false;
      throw error;
    }
  }
}

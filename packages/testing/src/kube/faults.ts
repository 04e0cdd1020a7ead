/** Fault injection for the API double: 5xx bursts, latency, connection resets, dropped watches. */

export interface FaultMatch {
  /** Only these methods (default: all). */
  methods?: string[];
  /** Only paths matching this (a substring or a RegExp); default: resource requests, not discovery/version/openapi. */
  path?: string | RegExp;
}

interface Burst {
  remaining: number;
  status: number;
  retryAfterSeconds?: number;
  match: FaultMatch;
}

interface Reset {
  remaining: number;
  match: FaultMatch;
}

interface Latency {
  ms: number;
  match: FaultMatch;
}

export function isResourcePath(path: string): boolean {
  return /^\/(api\/v1|apis\/[^/]+\/[^/]+)\/.+/.test(path);
}

function matches(match: FaultMatch, method: string, path: string): boolean {
  if (match.methods && !match.methods.includes(method)) return false;
  if (match.path === undefined) return isResourcePath(path);
  return typeof match.path === 'string' ? path.includes(match.path) : match.path.test(path);
}

export class Faults {
  private readonly bursts: Burst[] = [];
  private readonly resets: Reset[] = [];
  private readonly latencies: Latency[] = [];
  /** Milliseconds after which every new watch is cut (undefined: watches live until their timeout). */
  watchLifetimeMs: number | undefined;
  private readonly watchClosers = new Set<() => void>();

  /** The next `count` matching requests answer `status` (a Status body; `Retry-After` if given). */
  failNext(count: number, options: { status?: number; retryAfterSeconds?: number; match?: FaultMatch } = {}): void {
    this.bursts.push({
      remaining: count,
      status: options.status ?? 503,
      retryAfterSeconds: options.retryAfterSeconds,
      match: options.match ?? {},
    });
  }

  /** The next `count` matching requests have their connection destroyed without an answer. */
  resetNext(count: number, match: FaultMatch = {}): void {
    this.resets.push({ remaining: count, match });
  }

  /** Adds latency to matching requests until the returned function is called. */
  addLatency(ms: number, match: FaultMatch = {}): () => void {
    const entry = { ms, match };
    this.latencies.push(entry);
    return () => {
      const i = this.latencies.indexOf(entry);
      if (i >= 0) this.latencies.splice(i, 1);
    };
  }

  /** Ends every open watch now (clients see the stream end and must re-list or re-watch). */
  dropWatches(): number {
    const closers = [...this.watchClosers];
    for (const close of closers) close();
    return closers.length;
  }

  clear(): void {
    this.bursts.length = 0;
    this.resets.length = 0;
    this.latencies.length = 0;
    this.watchLifetimeMs = undefined;
  }

  /** @internal the server registers each open watch */
  trackWatch(close: () => void): () => void {
    this.watchClosers.add(close);
    return () => this.watchClosers.delete(close);
  }

  /** @internal decides what happens to one request */
  take(
    method: string,
    path: string,
  ): { reset: boolean; fail?: { status: number; retryAfterSeconds?: number }; delayMs: number } {
    const delayMs = this.latencies.filter((l) => matches(l.match, method, path)).reduce((n, l) => n + l.ms, 0);
    const reset = this.resets.find((r) => r.remaining > 0 && matches(r.match, method, path));
    if (reset) {
      reset.remaining--;
      return { reset: true, delayMs };
    }
    const burst = this.bursts.find((b) => b.remaining > 0 && matches(b.match, method, path));
    if (burst) {
      burst.remaining--;
      return { reset: false, fail: { status: burst.status, retryAfterSeconds: burst.retryAfterSeconds }, delayMs };
    }
    return { reset: false, delayMs };
  }
}

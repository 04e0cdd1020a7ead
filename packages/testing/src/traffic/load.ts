import http from 'node:http';

export interface TrafficWeights {
  stable: number;
  canary: number;
}

/** Where the router reads the split from: the Kubernetes API double later, a constant now. */
export type WeightsProvider = () => Promise<TrafficWeights>;

export function fixedWeights(stable: number, canary: number): WeightsProvider {
  return async () => ({ stable, canary });
}

export interface LoadOptions {
  targets: { stable: string; canary: string };
  weights: WeightsProvider;
  /** Requests started per second, in total. */
  ratePerSecond: number;
  /** Requests in flight at most; a tick that finds the limit reached skips (counted as `dropped`). */
  maxInFlight?: number;
  /** Hard cap on requests sent; the generator stops by itself once reached. */
  maxRequests?: number;
  /** Stops by itself after this long. */
  durationMs?: number;
  /** How often the weights provider is asked again. */
  weightRefreshMs?: number;
  requestTimeoutMs?: number;
  path?: string;
}

export interface TrackStats {
  sent: number;
  byStatus: Record<string, number>;
  /** Network failures and timeouts. */
  failed: number;
}

export interface LoadStats {
  stable: TrackStats;
  canary: TrackStats;
  /** Ticks skipped because maxInFlight was reached. */
  dropped: number;
  /** Failures of the weights provider (the last good weights stay in use). */
  weightErrors: number;
  weights: TrafficWeights;
}

export interface LoadGenerator {
  stats(): LoadStats;
  /** Stops sending, waits for requests in flight (bounded), returns the final stats. */
  stop(): Promise<LoadStats>;
  /** Resolves when the generator stopped by itself (duration or request cap) or was stopped. */
  done: Promise<LoadStats>;
}

const TICK_MS = 20;

/**
 * A bounded load generator that spreads requests between stable and canary by the current
 * weights, with smooth weighted round-robin (nginx's algorithm): the split is exact over any
 * window, not random, so a test can compute the expected per-track counts.
 */
export function startLoad(options: LoadOptions): LoadGenerator {
  if (!(options.ratePerSecond > 0 && options.ratePerSecond <= 2_000))
    throw new RangeError('ratePerSecond must be in (0, 2000]');
  const maxInFlight = options.maxInFlight ?? 50;
  const maxRequests = options.maxRequests ?? 100_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const stats: LoadStats = {
    stable: { sent: 0, byStatus: {}, failed: 0 },
    canary: { sent: 0, byStatus: {}, failed: 0 },
    dropped: 0,
    weightErrors: 0,
    weights: { stable: 1, canary: 0 },
  };
  const current = { stable: 0, canary: 0 };
  let inFlight = 0;
  let owed = 0;
  let stopped = false;
  let weightsReady: Promise<void> = Promise.resolve();
  const idle: (() => void)[] = [];

  const refresh = async (): Promise<void> => {
    try {
      const w = await options.weights();
      if (!(w.stable >= 0 && w.canary >= 0 && w.stable + w.canary > 0))
        throw new RangeError(`bad weights ${JSON.stringify(w)}`);
      stats.weights = { stable: w.stable, canary: w.canary };
    } catch {
      stats.weightErrors++;
    }
  };

  const pick = (): 'stable' | 'canary' => {
    const { stable, canary } = stats.weights;
    current.stable += stable;
    current.canary += canary;
    const chosen = current.canary > current.stable ? 'canary' : 'stable';
    current[chosen] -= stable + canary;
    return chosen;
  };

  const send = (): void => {
    const track = pick();
    const s = stats[track];
    s.sent++;
    inFlight++;
    const finish = (status: string | undefined): void => {
      inFlight--;
      if (status === undefined) s.failed++;
      else s.byStatus[status] = (s.byStatus[status] ?? 0) + 1;
      if (inFlight === 0) idle.splice(0).forEach((fn) => fn());
    };
    const req = http.get(
      `${options.targets[track]}${options.path ?? '/'}`,
      { agent, timeout: options.requestTimeoutMs ?? 5_000 },
      (res) => {
        res.resume();
        res.on('end', () => finish(String(res.statusCode)));
        res.on('error', () => finish(undefined));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => finish(undefined));
  };

  const total = (): number => stats.stable.sent + stats.canary.sent;
  let resolveDone: (s: LoadStats) => void = () => undefined;
  const done = new Promise<LoadStats>((resolve) => {
    resolveDone = resolve;
  });

  const tick = setInterval(() => {
    owed += (options.ratePerSecond * TICK_MS) / 1000;
    while (owed >= 1 && !stopped) {
      owed -= 1;
      if (total() >= maxRequests) {
        void stop();
        return;
      }
      if (inFlight >= maxInFlight) {
        stats.dropped++;
        continue;
      }
      send();
    }
  }, TICK_MS);
  const refresher = setInterval(() => {
    weightsReady = refresh();
  }, options.weightRefreshMs ?? 1_000);
  const timeout = options.durationMs !== undefined ? setTimeout(() => void stop(), options.durationMs) : undefined;
  weightsReady = refresh();

  const snapshot = (): LoadStats => JSON.parse(JSON.stringify(stats)) as LoadStats;

  async function stop(): Promise<LoadStats> {
    if (!stopped) {
      stopped = true;
      clearInterval(tick);
      clearInterval(refresher);
      if (timeout) clearTimeout(timeout);
      await weightsReady;
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => idle.push(resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, (options.requestTimeoutMs ?? 5_000) + 500)),
        ]);
      }
      agent.destroy();
      resolveDone(snapshot());
    }
    return done;
  }

  return { stats: snapshot, stop, done };
}

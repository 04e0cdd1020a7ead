/**
 * The one wait of the deploy actions. A Node timer holds at most 2^31−1 ms; a longer delay fires
 * after 1 ms, which would turn a long pause into none. Waits are cut into pieces well below that
 * and measured on the monotonic clock, so no length ever ends early.
 */
export const TIMER_PIECE_MS = 2 ** 30;

/** Waits `ms` milliseconds (0 or less: at once), or until `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (Number.isNaN(ms)) return Promise.reject(new RangeError('sleep: the duration is NaN'));
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const end = performance.now() + ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const next = (): void => {
      const left = end - performance.now();
      if (left <= 0) return done();
      timer = setTimeout(next, Math.min(Math.ceil(left), TIMER_PIECE_MS));
    };
    signal?.addEventListener('abort', done, { once: true });
    next();
  });
}

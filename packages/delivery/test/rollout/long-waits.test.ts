import { describe, expect, it, vi } from 'vitest';
import { realClock as analysisClock } from '../../src/analysis/run.js';
import { realClock as kubeClock } from '../../src/kube/waits.js';
import { sleep, TIMER_PIECE_MS } from '../../src/sleep.js';

/** Whether `wait` is still pending after `ms` of real time. */
async function pendingAfter(wait: Promise<void>, ms: number): Promise<boolean> {
  const marker = Symbol('pending');
  const first = await Promise.race([
    wait.then(() => 'resolved' as const),
    new Promise<symbol>((r) => setTimeout(() => r(marker), ms)),
  ]);
  return first === marker;
}

describe('waits longer than a timer holds (2^31 ms ≈ 24.8 days)', () => {
  it('the analysis clock does not fire early on a 2^31 ms wait (one setTimeout would fire after 1 ms)', async () => {
    const stop = new AbortController();
    const wait = analysisClock.sleep(2 ** 31 + 1000, stop.signal);
    expect(await pendingAfter(wait, 150)).toBe(true);
    stop.abort();
    await wait;
  });

  it('the kube clock does not fire early on a 2^31 ms wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    try {
      let done = false;
      const wait = kubeClock.sleep(2 ** 31 + 1000).then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(10);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(2 ** 31 - 10);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1000);
      expect(done).toBe(true);
      await wait;
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('sleep', () => {
  it('waits in pieces below 2^31 ms and ends exactly at the end', async () => {
    expect(TIMER_PIECE_MS).toBeLessThan(2 ** 31);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    try {
      let done = false;
      const wait = sleep(3 * 2 ** 31).then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(3 * 2 ** 31 - 1);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
      await wait;
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends at once for 0 or less and on abort; refuses NaN', async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
    await expect(sleep(-5)).resolves.toBeUndefined();
    const stop = new AbortController();
    const wait = sleep(60_000, stop.signal);
    stop.abort();
    await expect(wait).resolves.toBeUndefined();
    await expect(sleep(Number.NaN)).rejects.toThrow('sleep: the duration is NaN');
  });
});

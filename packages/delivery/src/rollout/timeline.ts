import { info } from '@spikeformer-actions/core';

export interface TimelineEntry {
  at: string;
  step: string;
  detail: string;
  ok: boolean;
}

/** What a deploy action did, in order: logged as it happens, then shown in its summary and record. */
export class Timeline {
  readonly entries: TimelineEntry[] = [];
  private readonly started = Date.now();

  add(step: string, detail: string, ok = true): void {
    this.entries.push({ at: new Date().toISOString(), step, detail, ok });
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    info(`[${seconds}s] ${ok ? '✓' : '✗'} ${step}: ${detail}`);
  }
}

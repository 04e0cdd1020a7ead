import { readFileSync } from 'node:fs';
import { fixturePath } from '@spikeformer-actions/testing';
import { compare, type CompareOptions, type Comparison } from '../src/compare.js';
import { buildRun } from '../src/history.js';
import type { Format, Measurement } from '../src/model.js';
import { parseReport } from '../src/parsers/index.js';

export const DEFAULTS: CompareOptions = { alpha: 0.01, minRegression: 0.05, noiseFactor: 4, metric: 'median' };

export function loadFixture(
  relative: string,
  format: Format | 'auto' = 'auto',
  warn?: (m: string) => void,
): Measurement[] {
  return parseReport(
    JSON.parse(readFileSync(fixturePath(relative), 'utf8')) as unknown,
    relative,
    format,
    undefined,
    warn,
  ).measurements;
}

/**
 * Compares two report files the way the action does on its second run (the first run is the
 * baseline history). Each fixture pair was measured side by side on one machine (SOURCES.md),
 * hence same-runner unless the test says otherwise.
 */
export function compareFiles(base: string, current: string, options: Partial<CompareOptions> = {}): Comparison {
  const run = buildRun(loadFixture(base), { id: 'base', timestamp: '2026-11-27T19:33:00Z' });
  return compare([run], loadFixture(current), { ...DEFAULTS, sameRunner: true, ...options });
}

export function namesWith(c: Comparison, verdict: string): string[] {
  return c.results
    .filter((r) => r.verdict === verdict)
    .map((r) => r.name)
    .sort();
}

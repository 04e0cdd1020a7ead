import { describe, expect, it } from 'vitest';
import {
  appendRun,
  buildRun,
  emptyHistory,
  mergeHistories,
  readHistory,
  SAMPLE_RUNS,
  SCHEMA,
  thinSamples,
  VERSION,
} from '../src/history.js';
import type { Measurement } from '../src/model.js';

const m = (name: string, samples: number[]): Measurement => ({
  name,
  unit: 's',
  direction: 'smaller-is-better',
  samples,
  n: samples.length,
  mean: 0,
});
const at = (minute: number): string => new Date(Date.UTC(2026, 10, 27, 12, minute)).toISOString();

describe('history document', () => {
  it('round-trips through JSON and validates', () => {
    const doc = appendRun(
      emptyHistory(),
      buildRun([m('a', [1, 2, 3])], { id: 'r1', timestamp: at(0), commit: 'abc' }),
      20,
    );
    const back = readHistory(JSON.parse(JSON.stringify(doc)) as unknown, 'h.json');
    expect(back).toEqual(doc);
    expect(back.runs[0]!.benchmarks.a).toMatchObject({ n: 3, mean: 2, median: 2, min: 1, max: 3, samples: [1, 2, 3] });
  });

  it('a foreign schema, another version or a damaged run is an error naming the file', () => {
    expect(() => readHistory({ schema: 'other', version: 1, runs: [] }, 'h.json')).toThrow(
      /h\.json: is not a usable benchmark-gate history: schema is 'other'/,
    );
    expect(() => readHistory({ schema: SCHEMA, version: 2, runs: [] }, 'h.json')).toThrow(/version 2 is not supported/);
    expect(() =>
      readHistory(
        { schema: SCHEMA, version: VERSION, runs: [{ id: 'x', timestamp: 'yesterday', benchmarks: {} }] },
        'h.json',
      ),
    ).toThrow(/runs\[0\]\.timestamp is not a date/);
    expect(() =>
      readHistory(
        {
          schema: SCHEMA,
          version: VERSION,
          runs: [{ id: 'x', timestamp: at(0), benchmarks: { a: { unit: 's', direction: 'up', n: 1, mean: 1 } } }],
        },
        'h.json',
      ),
    ).toThrow(/runs\[0\]\.benchmarks\["a"\]\.direction/);
    expect(() =>
      readHistory(
        {
          schema: SCHEMA,
          version: VERSION,
          runs: [
            {
              id: 'x',
              timestamp: at(0),
              benchmarks: { a: { unit: 's', direction: 'smaller-is-better', n: 2, mean: 1, samples: [1, null] } },
            },
          ],
        },
        'h.json',
      ),
    ).toThrow(/samples\[1\] is not a finite number/);
  });

  it('is bounded to history-size runs; only the newest runs keep raw samples', () => {
    let doc = emptyHistory();
    for (let i = 0; i < 12; i++)
      doc = appendRun(doc, buildRun([m('a', [i + 1, i + 2])], { id: `r${i}`, timestamp: at(i) }), 8);
    expect(doc.runs.map((r) => r.id)).toEqual(['r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11']);
    expect(doc.runs.map((r) => r.benchmarks.a!.samples !== undefined)).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(doc.runs.filter((r) => r.benchmarks.a!.samples).length).toBe(SAMPLE_RUNS);
    // Summaries stay for every run (the charts and the noise estimate use them).
    expect(doc.runs[0]!.benchmarks.a!.median).toBe(5.5);
  });

  it('a run id that is already in the history is refused', () => {
    const doc = appendRun(emptyHistory(), buildRun([m('a', [1, 2])], { id: 'r1', timestamp: at(0) }), 5);
    expect(() => appendRun(doc, buildRun([m('a', [1, 2])], { id: 'r1', timestamp: at(1) }), 5)).toThrow(
      /already holds a run with id 'r1'/,
    );
  });

  it('merges histories by run id, in time order; one id with two different contents is an error', () => {
    const r1 = buildRun([m('a', [1, 2])], { id: 'r1', timestamp: at(1) });
    const r2 = buildRun([m('a', [2, 3])], { id: 'r2', timestamp: at(2) });
    const r0 = buildRun([m('a', [3, 4])], { id: 'r0', timestamp: at(0) });
    const a = appendRun(appendRun(emptyHistory(), r1, 10), r2, 10);
    const b = appendRun(appendRun(emptyHistory(), r0, 10), r1, 10);
    expect(
      mergeHistories([
        { file: 'a.json', doc: a },
        { file: 'b.json', doc: b },
      ]).runs.map((r) => r.id),
    ).toEqual(['r0', 'r1', 'r2']);
    const clash = appendRun(emptyHistory(), buildRun([m('a', [9, 9])], { id: 'r1', timestamp: at(1) }), 10);
    expect(() =>
      mergeHistories([
        { file: 'a.json', doc: a },
        { file: 'c.json', doc: clash },
      ]),
    ).toThrow(/c\.json: run 'r1' differs from the run with the same id in a\.json/);
  });

  it('thins huge samples to evenly spaced order statistics', () => {
    const big = Array.from({ length: 10_001 }, (_, i) => 10_000 - i);
    const thin = thinSamples(big, 101);
    expect(thin).toHaveLength(101);
    expect(thin[0]).toBe(0);
    expect(thin[50]).toBe(5000);
    expect(thin[100]).toBe(10_000);
  });
});

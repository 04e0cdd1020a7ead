import { readFileSync } from 'node:fs';
import { fixturePath } from '@spikeformer-actions/testing';
import { readH5 } from '../src/h5.js';
import { readNirTree } from '../src/nir-read.js';
import type { NirGraph } from '../src/nir-types.js';
import { column, parseCsv } from '../src/csv.js';

export const LIF_DIR = 'neuromorphic/nir-paper/lif';
export const GRAPHS_DIR = 'neuromorphic/nir-paper/graphs';

export async function loadGraph(relative: string): Promise<NirGraph> {
  const file = fixturePath(`neuromorphic/${relative}`);
  return readNirTree(await readH5(file));
}

/** The NIR paper's trace CSV: input spikes, voltage, output spikes. */
export function trace(name: string): { input: Float64Array; v: Float64Array; spikes: Float64Array } {
  const csv = parseCsv(readFileSync(fixturePath(`${LIF_DIR}/${name}`), 'utf8'));
  return { input: column(csv, '0'), v: column(csv, '1'), spikes: column(csv, '2') };
}

export function spikeSteps(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) out.push(i);
  return out;
}

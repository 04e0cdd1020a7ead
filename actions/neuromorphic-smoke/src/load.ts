import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  clip,
  errorMessage,
  FileError,
  readJsonFile,
  readTextFile,
  resolveInWorkspace,
  workspaceRelative,
} from '@spikeformer-actions/core';
import { CsvError, parseCsv } from './csv.js';
import {
  type ActivityData,
  csvActivity,
  DataError,
  jsonActivity,
  MAX_STEPS,
  readGraphData,
  splitColumnSpec,
} from './data.js';
import { readH5 } from './h5.js';
import { NirError, readNirTree } from './nir-read.js';
import type { NirGraph } from './nir-types.js';
import { type GraphInfo, validateGraph } from './validate.js';

export interface LoadedGraph {
  graph: NirGraph;
  info: GraphInfo;
  sha256: string;
  shownAs: string;
}

/** Reads and validates a .nir file; every problem names the file and, where it applies, the node. */
export async function loadGraph(file: string, dt: number, shownAs = workspaceRelative(file)): Promise<LoadedGraph> {
  const tree = await readH5(file, shownAs);
  try {
    const graph = readNirTree(tree);
    const info = validateGraph(graph, dt);
    const sha256 = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    return { graph, info, sha256, shownAs };
  } catch (error) {
    if (error instanceof NirError) throw new FileError(shownAs, error.message);
    throw error;
  }
}

/**
 * Reads activity (stimulus or golden): NIRGraphData HDF5, JSON, or CSV with a column spec
 * (`file.csv#spikes=2,v=1`, single node: `csvNode`).
 */
export async function loadActivity(
  spec: string,
  what: string,
  csvNode: string,
  dt: number,
): Promise<{ data: ActivityData; shownAs: string }> {
  let parts: ReturnType<typeof splitColumnSpec>;
  try {
    parts = splitColumnSpec(spec);
  } catch (error) {
    throw new FileError(clip(spec), errorMessage(error));
  }
  const file = resolveInWorkspace(parts.path, what);
  const shownAs = workspaceRelative(file);
  const ext = path.extname(file).toLowerCase();
  try {
    if (ext === '.csv' || ext === '.tsv') {
      return {
        data: csvActivity(
          parseCsv(await readTextFile(file, 256 * 1024 * 1024, shownAs), MAX_STEPS),
          parts.columns,
          csvNode,
        ),
        shownAs,
      };
    }
    if (ext === '.json') return { data: jsonActivity(await readJsonFile(file, 256 * 1024 * 1024, shownAs)), shownAs };
    return { data: readGraphData(await readH5(file, shownAs), dt), shownAs };
  } catch (error) {
    if (error instanceof CsvError) throw new FileError(shownAs, error.message, { line: error.line });
    if (error instanceof DataError) throw new FileError(shownAs, error.message);
    throw error;
  }
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import { runAction } from '@spikeformer-actions/core';
import { run } from './main.js';

// The bundle runs as `node dist/index.js`; its changed-lines worker is dist/worker/index.js.
// From the sources (no bundle) there is none, and the diff is read in the main thread.
const entry = process.argv[1];
const worker = entry === undefined ? undefined : path.join(path.dirname(entry), 'worker', 'index.js');
await runAction(() => run(worker !== undefined && existsSync(worker) ? { changesWorker: worker } : {}), { name: 'quality-gate' });

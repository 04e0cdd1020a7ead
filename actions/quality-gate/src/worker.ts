// The changed-lines worker (bundled to dist/worker/index.js; see changes-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { ChangesRequest } from './changes.js';
import { readChanges } from './changes.js';
import { packChanges, packError } from './changes-thread.js';

const request = workerData as ChangesRequest;
parentPort?.postMessage(await readChanges(request).then(packChanges, packError));

import { runAction } from '@spikeformer-actions/core';
import { run } from './main.js';

await runAction(run, { name: 'benchmark-gate' });

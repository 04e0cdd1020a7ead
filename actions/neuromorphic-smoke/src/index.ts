import { runAction } from '@spikeformer-actions/core';
import { withBoundedErrors } from './quote.js';
import { run } from './main.js';

await runAction(() => withBoundedErrors(run), { name: 'neuromorphic-smoke' });

import { runAction } from '@spikeformer-actions/core';
import { withBoundedErrors } from './quote.js';
import { runPost } from './post-main.js';

await runAction(() => withBoundedErrors(runPost), { name: 'neuromorphic-smoke (post)' });

import { runAction } from '@spikeformer-actions/core';
import { runPost } from './post-main.js';

await runAction(runPost, { name: 'neuromorphic-smoke (post)' });

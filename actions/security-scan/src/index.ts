import { runAction } from '@spikeformer-actions/core';
import { run } from './main.js';
import { withBoundedErrors } from './quote.js';

await runAction(() => withBoundedErrors(run), { name: 'security-scan' });

import { defineProject } from 'vitest/config';

// The end-to-end cases mostly wait (pauses, analysis intervals, Prometheus scrapes): run more of
// them at once than vitest's default of 5 so the file stays within a few minutes.
export default defineProject({
  test: {
    name: '@spikeformer-actions/canary',
    maxConcurrency: 8,
  },
});

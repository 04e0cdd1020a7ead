import { defineConfig } from 'vitest/config';

// One run over every workspace project; a project's name is its package name.
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'actions/*',
      {
        test: {
          name: 'repo',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          server: { deps: { inline: ['@actions/workflow-parser'] } },
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

// One run over every workspace project; a project's name is its package name.
// Coverage is off unless asked for (`--coverage.enabled`): CI's dogfood job turns it on and
// feeds the Cobertura report to our own quality-gate. It counts the src/ code vitest runs in
// its own processes; the bundled dist/ that end-to-end tests start as children is not counted.
export default defineConfig({
  test: {
    coverage: {
      provider: 'v8',
      // Globs match from each project's root, so they start with **.
      include: ['**/src/**/*.ts'],
      exclude: ['**/*.d.ts', '**/node_modules/**', '**/examples/**'],
      excludeAfterRemap: true,
      reporter: ['cobertura', 'text-summary'],
      reportsDirectory: '.local/coverage',
      // A failing test still leaves a report, so the gate can say what failed.
      reportOnFailure: true,
    },
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

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // In CI, also write the results so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
    // Only with --coverage (npm run test:coverage): the unit project's coverage of src/, whose
    // json-summary scripts/coverage-by-folder.ts prints per folder.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        // Only with a Docker engine: npm run test:docker (the enrich processor is not on Maven Central).
        test: {
          name: 'docker',
          include: ['test/docker/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});

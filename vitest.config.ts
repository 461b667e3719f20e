import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // In CI, also write the results so .ci/run can print a plain "N passed, N failed" line
    // (the version matrix, npm run test:matrix, writes its own file).
    reporters: process.env.CI ? ['default', ['json', { outputFile: process.env.IOCHUNT_TEST_RESULTS ?? 'test-results.json' }]] : ['default'],
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
        // Includes the fuzz suite (test/unit/fuzz/) with its bounded runs, so CI runs it.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        // npm run fuzz: the same fuzz suite, FUZZ_RUNS times the runs, every document of every parser.
        test: {
          name: 'fuzz',
          include: ['test/unit/fuzz/**/*.fuzz.test.ts'],
          env: { FUZZ_RUNS: process.env.FUZZ_RUNS ?? '20' },
          testTimeout: 600_000,
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

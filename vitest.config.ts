import { defineConfig } from 'vitest/config';

// One run for the whole repo. Integration and end-to-end tests start their own nats-server
// processes on free ports, so files may run in parallel; two workers suit this 2-core machine.
export default defineConfig({
  test: {
    include: [
      'libs/*/src/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'test/**/*.test.ts',
      'infra/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';

// Integration tests share one PostgreSQL server and one Redis; each test file makes its own database
// and key prefix (see test/support), so files may run in parallel.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});

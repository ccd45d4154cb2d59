import { defineConfig } from 'vitest/config';

// `npm run chaos`: the slow cases of the fault suite (test/chaos), each with real worker and web
// processes against the simulators. The fast cases live in test/integration/reliability and run
// with `npm test`. Files run one at a time: they measure timings, and on 2 cores two of them side
// by side would make each other's waits look like the product's.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
  },
});

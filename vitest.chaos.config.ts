import { defineConfig } from 'vitest/config';
import { SeededSummaryReporter } from './test/chaos/seeded/summary-reporter.ts';

// `npm run chaos`: the slow cases of the fault suite (test/chaos), each with real worker and web
// processes against the simulators. The fast cases live in test/integration/reliability and run
// with `npm test`. Files run one at a time: they measure timings, and on 2 cores two of them side
// by side would make each other's waits look like the product's.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    // A seeded schedule takes 1 to 2 minutes; 30 of them run in one file.
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    fileParallelism: false,
    // The seeded schedules' summary comes last (test/chaos/seeded/).
    reporters: ['default', new SeededSummaryReporter()],
  },
});

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Prints the seeded run's summary (fault counts per class, then the `chaos: ...` line) after
 * vitest's own, so `npm run chaos` ends with it. The seeded test file writes it here.
 */
export const SUMMARY_FILE = join(import.meta.dirname, '../../../test-artifacts/chaos/summary.txt');

export class SeededSummaryReporter {
  onTestRunStart(): void {
    rmSync(SUMMARY_FILE, { force: true });
  }

  onTestRunEnd(): void {
    if (existsSync(SUMMARY_FILE)) process.stdout.write(`\n${readFileSync(SUMMARY_FILE, 'utf8')}\n`);
  }
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_CLASSES, type FaultClass } from './plan.ts';
import { runSeed, type SeedResult } from './run-seed.ts';
import { SUMMARY_FILE } from './summary-reporter.ts';

/**
 * Randomized fault schedules: each seed is a company's compressed day under faults drawn from
 * every class, followed by a quiet phase and the invariants (invariants.ts). `CHAOS_SEED=n` runs
 * that one seed; `CHAOS_SEEDS=k` runs k seeds from `CHAOS_FIRST_SEED` (default 1); by default 30.
 * A failing seed prints the one command that replays it.
 */

const env = process.env;
const seeds = env.CHAOS_SEED
  ? [Number(env.CHAOS_SEED)]
  : Array.from({ length: Number(env.CHAOS_SEEDS ?? 30) }, (_, i) => Number(env.CHAOS_FIRST_SEED ?? 1) + i);

const results: SeedResult[] = [];
const replay = (seed: number) => `CHAOS_SEED=${seed} npm run chaos -- seeded`;

describe('randomized fault schedules', () => {
  afterAll(() => {
    const per = Object.fromEntries(FAULT_CLASSES.map((c) => [c, 0])) as Record<FaultClass, number>;
    for (const r of results) for (const c of FAULT_CLASSES) per[c] += r.faults[c];
    const faults = Object.values(per).reduce((a, b) => a + b, 0);
    const items = results.reduce((n, r) => n + r.items, 0);
    const violations = results.reduce((n, r) => n + r.violations.length, 0);
    const lines = FAULT_CLASSES.map((c) => `  ${c.padEnd(16)} ${per[c]}`);
    for (const r of results.filter((x) => x.violations.length))
      lines.push(`  seed ${r.seed} failed; replay: ${replay(r.seed)}`);
    const summary = [
      'faults per class:',
      ...lines,
      `chaos: ${results.length} seeds, ${faults} faults, ${items} items checked, ${violations} violations`,
    ].join('\n');
    console.log(summary);
    // Printed again by the reporter after vitest's own summary: the run's last line.
    mkdirSync(dirname(SUMMARY_FILE), { recursive: true });
    writeFileSync(SUMMARY_FILE, summary);
  });

  it.each(seeds)('seed %i: nothing lost, nothing twice, everything settled', async (seed) => {
    const result = await runSeed(seed, (line) => console.log(line));
    results.push(result);
    const faults = Object.values(result.faults).reduce((a, b) => a + b, 0);
    console.log(
      `seed ${seed}: ${faults} faults (${FAULT_CLASSES.map((c) => `${c} ${result.faults[c]}`).join(', ')}); ` +
        `${result.items} items checked; quiet after ${Math.round(result.quietMs / 1000)} s, ` +
        `${Math.round(result.totalMs / 1000)} s in all; ${result.notes.join('; ')}`,
    );
    const report = result.violations.map((v) => `  ${v.invariant}: ${v.detail}`).join('\n');
    expect(result.violations, `seed ${seed} broke invariants:\n${report}\nreplay: ${replay(seed)}`).toEqual(
      [],
    );
  });
});

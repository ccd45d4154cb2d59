/**
 * `npm run bench [-- scenario ...]`: runs the performance scenarios (all, or the ones named)
 * against the simulators, prints a table and writes bench/results.json. See the README's
 * Performance section for what each scenario measures and how time is compressed.
 */
import { bigFleet } from './scenarios/big-fleet.ts';
import { ceiling } from './scenarios/ceiling.ts';
import { manyExtensions } from './scenarios/many-extensions.ts';
import { idleRun } from './scenarios/idle-run.ts';
import { manyTenants } from './scenarios/many-tenants.ts';
import { memory } from './scenarios/memory.ts';
import { scaleOut } from './scenarios/scale-out.ts';
import { search } from './scenarios/search.ts';
import { seedExample } from './scenarios/seed-example.ts';
import { timeToArchive } from './scenarios/time-to-archive.ts';
import { figure, SCENARIO_NAMES, type Figure, type ScenarioName } from './support/figures.ts';
import { machineDescription, writeResults } from './support/results.ts';
import { SharedFixtures, type Scenario } from './support/scenario.ts';
import { formatTable } from './support/table.ts';

// Scale-out follows many-tenants: both measure the same 1,000-tenant fleet, built once.
const SCENARIOS: Scenario[] = [
  ceiling,
  memory,
  manyExtensions,
  manyTenants,
  scaleOut,
  bigFleet,
  idleRun,
  timeToArchive,
  search,
  seedExample,
];

function selected(args: readonly string[]): Scenario[] {
  const unknown = args.filter((a) => !SCENARIO_NAMES.includes(a as ScenarioName));
  if (unknown.length > 0) {
    console.error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${SCENARIO_NAMES.join(', ')}`);
    process.exit(2);
  }
  return args.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => args.includes(s.name));
}

/** A scenario that could not finish is a failed figure, and the others still run. */
function failedScenario(scenario: Scenario, error: unknown): Figure {
  console.error(error);
  return figure(scenario.name, {
    metric: 'scenario completed',
    value: 0,
    target: 'completes',
    pass: false,
    note: error instanceof Error ? error.message : String(error),
  });
}

const scenarios = selected(process.argv.slice(2));
const shared = new SharedFixtures();
const figures: Figure[] = [];
const began = performance.now();
console.log(`Benchmark on ${machineDescription()}`);
for (const scenario of scenarios) {
  const start = performance.now();
  console.log(`\n▶ ${scenario.name}`);
  const measured = await scenario.run(shared).catch((error: unknown) => [failedScenario(scenario, error)]);
  figures.push(...measured);
  console.log(formatTable(measured));
  console.log(`  (${((performance.now() - start) / 1000).toFixed(0)} s)`);
}
await shared.close();
await writeResults(
  scenarios.map((s) => s.name),
  figures,
);
console.log(`\nAll figures (${((performance.now() - began) / 1000).toFixed(0)} s):\n`);
console.log(formatTable(figures));
console.log('\nWritten to bench/results.json');
process.exit(figures.some((f) => f.pass === false) ? 1 : 0);

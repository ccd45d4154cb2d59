import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { SCENARIO_NAMES, type Figure, type ScenarioName } from './figures.ts';

/**
 * `bench/results.json`: the machine and one entry per figure. A run of a few scenarios replaces
 * those scenarios' entries and keeps the others from the previous run, each entry dated and naming
 * the machine it was measured on (a kept entry may come from another machine than this run's), so
 * the file always holds the latest figure of every scenario.
 */
export const RESULTS_PATH = new URL('../results.json', import.meta.url);

export interface ResultEntry extends Figure {
  measuredAt: string;
  machine: string;
}

export interface Results {
  machine: string;
  node: string;
  generatedAt: string;
  scenarios: ResultEntry[];
}

export function machineDescription(): string {
  const cores = cpus();
  const gib = totalmem() / 1024 ** 3;
  return `${cores[0]?.model.trim() ?? 'unknown CPU'}, ${cores.length} cores, ${gib.toFixed(1)} GiB RAM, Node ${process.version}`;
}

async function previous(): Promise<ResultEntry[]> {
  try {
    const parsed = JSON.parse(await readFile(RESULTS_PATH, 'utf8')) as Partial<Results>;
    const entries = Array.isArray(parsed.scenarios) ? parsed.scenarios : [];
    // Entries written before each named its machine were measured on the file's machine.
    return entries.map((e) => ({ ...e, machine: e.machine ?? parsed.machine ?? 'unknown' }));
  } catch {
    return [];
  }
}

export async function writeResults(
  ran: readonly ScenarioName[],
  figures: readonly Figure[],
): Promise<Results> {
  const now = new Date().toISOString();
  const kept = (await previous()).filter((entry) => !ran.includes(entry.name));
  const machine = machineDescription();
  const fresh = figures.map((f) => ({ ...f, measuredAt: now, machine }));
  const order = (name: ScenarioName) => SCENARIO_NAMES.indexOf(name);
  const results: Results = {
    machine,
    node: process.version,
    generatedAt: now,
    // Stable order (the issue's), so successive files diff cleanly.
    scenarios: [...kept, ...fresh].sort((a, b) => order(a.name) - order(b.name)),
  };
  await writeFile(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

import { readFile } from 'node:fs/promises';
import { spawnNode, type Spawned } from '../../test/support/processes.ts';
import { productEnv } from '../../test/support/product-env.ts';
import type { TestStack } from '../../test/support/stack.ts';

/**
 * A real worker process, started with the Procfile's own command line (`node … src/main.ts
 * worker`), configured against a stack's database and simulators (same token key and redirect
 * base, so the stored tokens open and refresh), with its peak memory read from the kernel.
 */
export interface WorkerProcess {
  pid: number;
  /** VmHWM: the most resident memory the process has had since it started. */
  peakRssBytes(): Promise<number>;
  /** CPU time the process has used so far (user + system), in seconds. */
  cpuSeconds(): Promise<number>;
  /** SIGTERM (the worker drains), then waits for the exit. */
  stop(): Promise<void>;
  /** What the worker has logged so far (JSON lines). */
  output(): string;
}

/**
 * The tests' environment for a product process against the stack, with the product's own job poll
 * (the tests shorten it), info logs (the start-up line is awaited) and the stack's run time box.
 */
export function workerEnv(stack: TestStack, overrides: Record<string, string> = {}): Record<string, string> {
  const { JOB_POLL_SECONDS: _testPoll, ...env } = productEnv(stack);
  return {
    ...env,
    LOG_LEVEL: 'info',
    RUN_TIME_BOX_MINUTES: String(stack.services.timeBoxMs / 60_000),
    ...overrides,
  };
}

/** utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux). */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function statusField(pid: number, field: 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** The worker line of the Procfile, without its leading `node`: Node options, script, command. */
export async function procfileWorkerArgs(): Promise<string[]> {
  const procfile = await readFile(new URL('../../Procfile', import.meta.url), 'utf8');
  const line = /^worker:\s*(.+)$/m.exec(procfile)?.[1];
  const words = line?.trim().split(/\s+/) ?? [];
  if (words[0] !== 'node') throw new Error(`the Procfile's worker line is not a node command: ${line}`);
  return words.slice(1);
}

export async function startWorkerProcess(
  stack: TestStack,
  overrides: Record<string, string> = {},
): Promise<WorkerProcess> {
  const [first, ...rest] = await procfileWorkerArgs();
  const spawned: Spawned = spawnNode(first!, rest, workerEnv(stack, overrides));
  await spawned.waitFor(/"msg":"worker started"/, 60_000);
  const pid = spawned.child.pid!;
  return {
    pid,
    peakRssBytes: () => statusField(pid, 'VmHWM'),
    cpuSeconds: () => cpuSecondsOf(pid),
    output: () => spawned.output(),
    async stop() {
      if (spawned.child.exitCode === null) spawned.child.kill('SIGTERM');
      const code = await spawned.exited();
      if (code !== 0 && code !== null)
        throw new Error(`worker exited with ${code}:\n${spawned.output().slice(-2000)}`);
    },
  };
}

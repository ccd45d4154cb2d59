import { setTimeout as sleep } from 'node:timers/promises';
import type { Run, Store } from '../../src/store/types.ts';

/** The tenant's newest run once it has finished (one started at or after `since`). */
export async function finishedRun(
  store: Store,
  tenantId: string,
  since: Date,
  timeoutMs: number,
): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await store.listRuns(tenantId, { limit: 1 })).items[0];
    if (run && run.startedAt >= since && run.finishedAt) return run;
    if (Date.now() > deadline) throw new Error(`no finished run of ${tenantId} within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Items and bytes of one kind in a run's figures. */
export function archivedOf(run: Run, kind: string): { items: number; bytes: number } {
  const kinds = run.stats.kinds as Record<string, { items: number; bytes: number }> | undefined;
  return kinds?.[kind] ?? { items: 0, bytes: 0 };
}

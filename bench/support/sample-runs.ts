import type { TestStack } from '../../test/support/stack.ts';
import { difference, requestsOf, type GroupCounts } from './api-calls.ts';
import { createArchiver } from './archiver.ts';

/**
 * Runs a few tenants one after another in this process, so that the store's query counter and the
 * simulator's request counters between two runs belong to exactly one tenant-run.
 */
export interface RunCost {
  tenantId: string;
  queries: number;
  calls: GroupCounts;
  status: string;
}

export async function costOfRuns(stack: TestStack, tenantIds: readonly string[]): Promise<RunCost[]> {
  const archiver = createArchiver(stack);
  const costs: RunCost[] = [];
  for (const tenantId of tenantIds) {
    const queriesBefore = stack.services.store.queryCount();
    const callsBefore = requestsOf(stack.rc, tenantId).requests;
    const { run } = await archiver.run(tenantId);
    costs.push({
      tenantId,
      queries: stack.services.store.queryCount() - queriesBefore,
      calls: difference(requestsOf(stack.rc, tenantId).requests, callsBefore),
      status: run.status,
    });
  }
  return costs;
}

export function spread(values: readonly number[]): { mean: number; min: number; max: number } {
  return {
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

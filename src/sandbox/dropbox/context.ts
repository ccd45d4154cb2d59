import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Account } from './accounts.ts';
import type { ArgReader } from './args.ts';
import { fail, tooManyWriteOperations, type Reply } from './errors.ts';
import type { SimState } from './state.ts';
import type { AccessTokenRecord } from './tokens.ts';

/** How a route takes its argument and returns its result, as in the SDK's route table. */
type RouteStyle = 'rpc' | 'upload' | 'download';

export interface RouteContext {
  sim: SimState;
  route: RouteDef;
  req: IncomingMessage;
  account: Account;
  token: AccessTokenRecord;
  /** The parsed argument (`null` for Void routes). */
  arg: unknown;
  reader: ArgReader;
}

export interface RouteDef {
  name: string;
  style: RouteStyle;
  /** The OAuth scope the route requires (from the spec's route attributes), or null for none. */
  scope: string | null;
  /** Whether it writes to the namespace and so counts as a commit in the stats. */
  commit: boolean;
  /** Void-argument routes take an empty body or `null`. */
  voidArg?: boolean;
  handle(ctx: RouteContext): Promise<Reply>;
}

/**
 * Runs a commit under the account's namespace lock. A commit that finds the lock taken fails at
 * once with 429 `too_many_write_operations`, as Dropbox does under lock contention; the lock is
 * held for the work plus the `commitLatencyMs` fault, so tests can make commits overlap on purpose.
 */
export async function withCommitLock<T>(ctx: RouteContext, work: () => Promise<T>): Promise<T> {
  const release = ctx.sim.locks.tryAcquire(ctx.account.accountId);
  if (!release) throw fail(tooManyWriteOperations());
  try {
    return await work();
  } finally {
    const latency = ctx.sim.faults.commitLatencyMs;
    if (latency > 0) await sleep(latency);
    release();
  }
}

/** Counts received bytes towards the account's stats. */
export function countBytes(ctx: RouteContext): (n: number) => void {
  return (n) => {
    ctx.sim.stats.for(ctx.account.accountId).bytesReceived += n;
  };
}

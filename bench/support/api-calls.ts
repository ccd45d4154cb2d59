import type { LoggedRequest, RcSim } from '../../src/sandbox/ringcentral/index.ts';
import { DEFAULT_RATE_LIMITS, RATE_GROUPS, type RateGroup } from '../../src/lib/rate-limiter.ts';

/** RingCentral requests per rate-limit group, as the simulator counted them for one account. */
export type GroupCounts = Record<RateGroup, number>;

export function requestsOf(rc: RcSim, accountId: string): { requests: GroupCounts; rateLimited: number } {
  const stats = rc.stats(accountId);
  return {
    requests: { ...stats.requests },
    rateLimited: total(stats.rateLimited),
  };
}

export function difference(after: GroupCounts, before: GroupCounts): GroupCounts {
  return Object.fromEntries(RATE_GROUPS.map((g) => [g, after[g] - before[g]])) as GroupCounts;
}

/** A group's budget over a span of real time: its limit per 60 s window times the windows. */
export function budgetOf(group: RateGroup, realMs: number): number {
  return DEFAULT_RATE_LIMITS[group] * (realMs / 60_000);
}

export const total = (counts: GroupCounts): number => RATE_GROUPS.reduce((n, g) => n + counts[g], 0);

/**
 * Requests per endpoint (`Medium GET …/message-store/:messageId/content/:attachmentId: 327`), from
 * the simulator's request log (the `logRequests` fault must keep it): a count per group says how
 * much, this says what for.
 */
export function byEndpoint(log: readonly LoggedRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of log) {
    const key = `${r.group} ${r.endpoint}${r.outcome === 'counted' ? '' : ` (${r.outcome})`}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, n]) => `${key}: ${n}`)
    .join(', ');
}

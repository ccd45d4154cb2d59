import type { Run, Store } from '../../store/types.ts';

/**
 * Whether push notifications are live for a company, as the dashboard and the settings page say
 * it: a subscription we hold is Active and not expired; the last notification's time; whether
 * calls come by notification too (the RingCentral app holds Call Control), from the latest full
 * run's check of the subscription, and what is wrong when it is not live.
 */
export interface PushView {
  enabled: boolean;
  live: boolean;
  lastEventAt: Date | null;
  /** null until a run has checked the subscription. */
  calls: boolean | null;
  problem: string | null;
}

export async function pushView(
  deps: { store: Store; enabled: boolean; now: number },
  tenantId: string,
  runs: readonly Run[],
): Promise<PushView> {
  const subscriptions = deps.enabled ? await deps.store.listPushSubscriptions(tenantId) : [];
  const live = subscriptions.some((s) => s.status === 'Active' && s.expiresAt.getTime() > deps.now);
  const lastEventAt = subscriptions.reduce<Date | null>(
    (latest, s) => (s.lastEventAt && (!latest || s.lastEventAt > latest) ? s.lastEventAt : latest),
    null,
  );
  const checked = runs.find((r) => r.stats.push && typeof r.stats.push === 'object')?.stats.push as
    { calls?: unknown; problem?: unknown } | undefined;
  return {
    enabled: deps.enabled,
    live,
    lastEventAt,
    calls: checked ? checked.calls === true : null,
    problem: !live && typeof checked?.problem === 'string' ? checked.problem : null,
  };
}

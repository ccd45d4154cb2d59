/**
 * What a RingCentral notification does, apart from HTTP: it is accepted only from a subscription
 * we created and still hold, not expired, of an active company, carrying that subscription's
 * Verification-Token; then it only marks a stream dirty and, when that mark is new (or due
 * sooner), schedules the company's early run. Nothing is read or archived here: the early run
 * reads the stream from the API as any run does. A notification uuid seen before does nothing.
 */
import { CALL_LOG_STREAM } from '../archive/streams/call-log/stream.ts';
import type { Clock } from '../lib/clock.ts';
import type { PushSubscription, Store } from '../store/types.ts';
import { streamChange } from './filters.ts';
import { verificationMatches } from './verification.ts';

export interface Notification {
  uuid: string;
  event: string;
  subscriptionId: string;
  body: unknown;
}

/** The envelope every notification has (guide: event payload structure), or null. */
export function parseNotification(json: unknown): Notification | null {
  const n = json as Partial<Record<keyof Notification, unknown>> | null;
  if (!n || typeof n !== 'object') return null;
  const { uuid, event, subscriptionId } = n;
  if (typeof uuid !== 'string' || typeof event !== 'string' || typeof subscriptionId !== 'string')
    return null;
  if (uuid === '' || uuid.length > 200 || subscriptionId.length > 200 || event.length > 2000) return null;
  return { uuid, event, subscriptionId, body: n.body };
}

type Authenticated =
  { ok: true; tenantId: string; subscription: PushSubscription } | { ok: false; status: 401 | 404 };

/** Unknown, expired or foreign: 404; wrong or missing token: 401. Nothing is written either way. */
export async function authenticate(
  deps: { store: Store; clock: Clock },
  notification: Notification,
  tokenHeader: string | undefined,
): Promise<Authenticated> {
  const subscription = await deps.store.getPushSubscription(notification.subscriptionId);
  if (!subscription || subscription.expiresAt.getTime() <= deps.clock.now())
    return { ok: false, status: 404 };
  if (!verificationMatches(subscription.verificationHash, tokenHeader)) return { ok: false, status: 401 };
  const tenant = await deps.store.getTenant(subscription.tenantId);
  if (tenant?.status !== 'active') return { ok: false, status: 404 };
  return { ok: true, tenantId: tenant.id, subscription };
}

export interface AcceptDeps {
  store: Store;
  clock: Clock;
  /** Brings the company's early run to `at` (or sooner); see jobs/scheduler.ts. */
  runSoon(tenantId: string, at: Date): Promise<void>;
  /** How long a stream's mark waits before its early run (bursts of notifications coalesce). */
  delayMs(stream: string): number;
}

/** A mark overdue by this much has lost its early run (a failed schedule): schedule it again. */
const OVERDUE_MS = 2 * 60_000;

export async function accept(
  deps: AcceptDeps,
  tenantId: string,
  notification: Notification,
): Promise<'accepted' | 'duplicate' | 'ignored'> {
  const now = deps.clock.now();
  const fresh = await deps.store.recordPushEvent(
    tenantId,
    notification.subscriptionId,
    notification.uuid,
    new Date(now),
  );
  if (!fresh) return 'duplicate';
  const change = streamChange(tenantId, notification.event, notification.body);
  if (!change) return 'ignored';
  const mark = await deps.store.markStreamDirty(tenantId, change.stream, {
    at: new Date(now),
    dueAt: new Date(now + deps.delayMs(change.stream)),
    since: change.since,
    awaiting: change.awaiting,
  });
  if (mark.armed || mark.dueAt.getTime() < now - OVERDUE_MS) await deps.runSoon(tenantId, mark.dueAt);
  return 'accepted';
}

/** Message streams wait `messageMs`, the call log `callMs` (RingCentral lists a call 15-30 s after it ends). */
export function streamDelay(messageMs: number, callMs: number): (stream: string) => number {
  return (stream) => (stream === CALL_LOG_STREAM ? callMs : messageMs);
}

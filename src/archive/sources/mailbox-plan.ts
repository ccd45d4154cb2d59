/**
 * Which mailboxes one run reads directly (Light, per mailbox) and which it takes from the admin
 * message-store export (Heavy, one task for the whole account), so that a tenant with thousands
 * of extensions stays inside the Light budget.
 *
 * The arithmetic: a run can spend `lightLimit × windowsPerRun` Light calls; a share is kept back
 * for other Light calls (extension and account info, messages by id) and for anyone else using
 * the same token; each direct poll costs `callsPerMailbox` (1: one page of the message store, which holds a
 * mailbox's hour). So
 *
 *     capacity = floor(lightLimit × windowsPerRun × (1 − reserveShare) / callsPerMailbox)
 *
 * RingCentral's defaults, Light 50 per 60 s, and a 45-minute run of which the messages stage
 * plans direct reads on four fifths of the time left (about 34 windows, see messages-stage.ts):
 * 34 × 50 = 1,700 calls, 20 % kept back → 1,360 direct polls. With 2,000 mailboxes a run polls
 * 1,360 directly, in rotation from where the last run stopped, and takes the other 640 from one
 * export (about ten Heavy calls: create, a few polls, list, one download per archive). Every
 * mailbox is covered every run, and read directly at least every ceil(2,000 / 1,360) = 2 runs.
 */
import type { Extension } from './records.ts';

interface MailboxBudget {
  /** Light requests per rate-limit window (X-Rate-Limit-Limit; RingCentral's default is 50). */
  lightLimit: number;
  /** Rate-limit windows the run may spend reading mailboxes directly. */
  windowsPerRun: number;
  /** Share of the Light budget left for everything else. Default 0.2. */
  reserveShare?: number;
  /** Light calls one direct poll costs. Default 1 (one page of the message-store list). */
  callsPerMailbox?: number;
  /** The last mailbox the previous run polled directly, as the pipeline stored it; null at first. */
  cursor: string | null;
}

interface MailboxPlan {
  direct: Extension[];
  viaExport: Extension[];
  /** Store it for the next run; null when every mailbox fits (no rotation needed). */
  nextCursor: string | null;
  capacity: number;
}

export function planMailboxPolling(extensions: readonly Extension[], budget: MailboxBudget): MailboxPlan {
  const reserve = budget.reserveShare ?? 0.2;
  const perMailbox = budget.callsPerMailbox ?? 1;
  const capacity = Math.max(
    0,
    Math.floor((budget.lightLimit * budget.windowsPerRun * (1 - reserve)) / perMailbox),
  );
  const mailboxes = extensions.filter((e) => e.hasMailbox).sort((a, b) => compareIds(a.id, b.id));
  if (capacity >= mailboxes.length) {
    return { direct: mailboxes, viaExport: [], nextCursor: null, capacity };
  }
  if (capacity === 0) {
    return { direct: [], viaExport: mailboxes, nextCursor: budget.cursor, capacity };
  }
  // Start after the cursor's id even if that extension has since been removed.
  const cursor = budget.cursor;
  const after = cursor === null ? -1 : mailboxes.findIndex((e) => compareIds(e.id, cursor) > 0);
  const start = after < 0 ? 0 : after;
  const rotated = [...mailboxes.slice(start), ...mailboxes.slice(0, start)];
  const direct = rotated.slice(0, capacity);
  return {
    direct,
    viaExport: rotated.slice(capacity),
    nextCursor: direct.at(-1)?.id ?? cursor,
    capacity,
  };
}

/** Numeric ids compare as numbers (shorter is smaller), anything else as text. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

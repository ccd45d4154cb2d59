import { z } from 'zod';
import { StateCell, stateSlot } from '../../../store/state-slot.ts';
import type { Store } from '../../../store/types.ts';

const mailboxProblemsSchema = z.object({
  mailboxes: z.record(
    z.string(),
    z.object({
      status: z.enum(['refused', 'unreadable']),
      errorCode: z.string(),
      error: z.string(),
      at: z.iso.datetime(),
    }),
  ),
});
type MailboxProblems = z.output<typeof mailboxProblemsSchema>;
type MailboxProblem = MailboxProblems['mailboxes'][string];

/**
 * Mailboxes the last attempt could not read: 'refused' directly (then tried through the export),
 * or 'unreadable' either way. Shown on the dashboard; a mailbox read again leaves the list.
 */
export const MAILBOX_PROBLEMS = stateSlot('mailbox-problems', mailboxProblemsSchema, {
  empty: { mailboxes: {} },
  unreadable: 'empty',
});

/** A run's view of the mailbox problems: the direct reads note theirs concurrently. */
export type MailboxProblemsCell = StateCell<MailboxProblems>;

export function mailboxProblems(store: Store, tenantId: string): MailboxProblemsCell {
  return new StateCell(MAILBOX_PROBLEMS, store, tenantId);
}

/** Records what happened to these mailboxes: a problem, or null for "read". Writes only changes. */
export function noteMailboxes(
  problems: MailboxProblemsCell,
  ids: readonly string[],
  problem: MailboxProblem | null,
): Promise<void> {
  return problems.update(({ mailboxes }) => {
    const next = { ...mailboxes };
    for (const id of ids) {
      if (problem) next[id] = problem;
      else delete next[id];
    }
    const same = ids.every((id) => JSON.stringify(next[id]) === JSON.stringify(mailboxes[id]));
    return same ? null : { mailboxes: next };
  });
}

/** RingCentral's refusal as a problem to show: its code, its words (short), when. */
export function problemFrom(
  status: MailboxProblem['status'],
  error: { errorCode: string | null; message: string },
  code: string,
  now: number,
): MailboxProblem {
  const at = new Date(now).toISOString();
  return { status, errorCode: error.errorCode ?? code, error: error.message.slice(0, 300), at };
}

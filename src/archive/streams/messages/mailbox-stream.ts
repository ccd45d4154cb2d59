import { backfillStart, cursorKind } from '../../cursors.ts';
import { messageItems, type AttachmentOpener, type MessagePlan } from '../../message-items.ts';
import type { RunEnv } from '../../run-env.ts';
import { openAttachment, readMailbox } from '../../sources/messages.ts';
import type { Extension, MessageType } from '../../sources/records.ts';
import { SourceError } from '../../sources/source-error.ts';
import { HOUR_MS, readFrom } from '../../windows.ts';
import type { StreamBatch, StreamDefinition } from '../driver.ts';
import { noteMailboxes, problemFrom, type MailboxProblemsCell } from './mailbox-problems.ts';

export const mailboxStream = (extensionId: string) => `mailbox:${extensionId}`;
/** A mailbox's position is its `until` alone. */
export const MAILBOX_CURSOR = cursorKind({});

/** A batch of messages: their items, and the sms.csv rows of SMS, MMS and pager messages. */
export function messageBatch(plans: readonly MessagePlan[]): StreamBatch {
  return {
    items: plans.flatMap((p) => p.items),
    rows: plans.flatMap((p) => (p.smsRow ? [{ day: p.day, row: p.smsRow }] : [])),
  };
}

/**
 * One mailbox read directly, from its cursor (minus the lookback) to now in one window. A refusal
 * (RingCentral will not let the admin's token read it) is noted and stops it, cursor unmoved: the
 * stage then takes the mailbox from the export.
 */
export function directMailbox(
  env: RunEnv,
  mailbox: Extension,
  types: readonly MessageType[],
  problems: MailboxProblemsCell,
): StreamDefinition<object> {
  const download: AttachmentOpener = async (attachment, signal) => {
    const opened = await openAttachment(env.deps.api, attachment, { signal });
    return { body: opened.body, size: opened.size };
  };
  return {
    cursor: MAILBOX_CURSOR,
    streams: [mailboxStream(mailbox.id)],
    report: 'sms',
    window: ([cursor], now) => ({
      from: readFrom(
        cursor!.until,
        backfillStart(env.state.settings, env.deps.clock.now()),
        env.state.settings.lookbackHours * HOUR_MS,
      ),
      to: now,
      last: true,
    }),
    async *read(window) {
      const plans: MessagePlan[] = [];
      for await (const page of readMailbox(env.deps.api, mailbox.id, {
        dateFrom: new Date(window.from),
        dateTo: new Date(window.to),
        types,
        signal: env.state.signal,
      }))
        for (const record of page) {
          const planned = messageItems(env, record, mailbox.id, download);
          if (planned) plans.push(planned);
        }
      yield messageBatch(plans);
    },
    async refused(error) {
      if (!(error instanceof SourceError && error.kind === 'forbidden')) return false;
      const problem = problemFrom('refused', error, String(error.status ?? ''), env.deps.clock.now());
      await noteMailboxes(problems, [mailbox.id], problem);
      return true;
    },
    moved: () => noteMailboxes(problems, [mailbox.id], null),
  };
}

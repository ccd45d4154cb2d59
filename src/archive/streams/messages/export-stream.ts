import { mkdir } from 'node:fs/promises';
import { backfillStart } from '../../cursors.ts';
import { messageItems, type AttachmentOpener, type MessagePlan } from '../../message-items.ts';
import type { RunEnv } from '../../run-env.ts';
import { readMessageExportBatches } from '../../sources/message-export.ts';
import type { ExportedAttachment } from '../../sources/messages.ts';
import type { Extension, MessageType } from '../../sources/records.ts';
import { SourceError } from '../../sources/source-error.ts';
import { DAY_MS, HOUR_MS, readFrom } from '../../windows.ts';
import type { StreamDefinition } from '../driver.ts';
import { noteMailboxes, problemFrom, type MailboxProblemsCell } from './mailbox-problems.ts';
import { MAILBOX_CURSOR, mailboxStream, messageBatch } from './mailbox-stream.ts';

const EXPORT_BATCH = 200;
const MAX_EXPORT_SPAN_MS = 31 * DAY_MS;

/**
 * The admin message-store export for the mailboxes not read directly: one account-wide task per
 * run, covering from the oldest of those mailboxes' cursors (minus the lookback), at most a month
 * at a time. Each mailbox keeps its own cursor, all moved together once the export is archived, so
 * a mailbox can move between direct reads and the export without a gap. Each batch of the export
 * is archived (its attachments read from the ZIPs) before the next is asked for.
 */
export function messageExport(
  env: RunEnv,
  mailboxes: readonly Extension[],
  types: readonly MessageType[],
  problems: MailboxProblemsCell,
): StreamDefinition<object> {
  const wanted = new Set(mailboxes.map((m) => m.id));
  const lookbackMs = env.state.settings.lookbackHours * HOUR_MS;
  return {
    cursor: MAILBOX_CURSOR,
    streams: mailboxes.map((m) => mailboxStream(m.id)),
    report: 'sms',
    window(cursors, now) {
      const start = backfillStart(env.state.settings, env.deps.clock.now());
      const from = Math.min(...cursors.map((c) => readFrom(c.until, start, lookbackMs)));
      // One window a run: a span shorter than the time to now leaves the rest for the next run.
      return { from, to: Math.min(now, from + MAX_EXPORT_SPAN_MS), last: true };
    },
    async *read(window) {
      await mkdir(env.deps.workDir, { recursive: true });
      const batches = readMessageExportBatches(env.deps.api, {
        dateFrom: new Date(window.from),
        dateTo: new Date(window.to),
        workDir: env.deps.workDir,
        types,
        signal: env.state.signal,
        batchSize: EXPORT_BATCH,
      });
      for await (const messages of batches)
        yield messageBatch(
          messages
            .filter((m) => wanted.has(m.extensionId))
            .map((m) => messageItems(env, m.record, m.extensionId, fromExport(m.attachments)))
            .filter((p): p is MessagePlan => p !== null),
        );
    },
    async refused(error) {
      if (!(error instanceof SourceError && error.kind === 'forbidden')) return false;
      // Neither way works for these mailboxes: say which, what RingCentral answered, what to do.
      await noteMailboxes(problems, [...wanted], problemFrom('unreadable', error, '', env.deps.clock.now()));
      env.state.ctx.fail({
        kind: 'messages',
        reason: `The message-store export was refused (${error.errorCode ?? error.status}): ${error.message}`,
      });
      return true;
    },
    moved: () => noteMailboxes(problems, [...wanted], null),
  };
}

function fromExport(attachments: readonly ExportedAttachment[]): AttachmentOpener {
  return async (attachment) => {
    const exported = attachments.find((a) => a.id === attachment.id);
    if (!exported)
      throw new SourceError({ kind: 'gone', message: `Attachment ${attachment.id} is not in the export` });
    return { body: await exported.open(), size: exported.size ?? attachment.size ?? null };
  };
}

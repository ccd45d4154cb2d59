import { moveCursor, readCursor } from './cursors.ts';
import type { RunEnv } from './run-env.ts';
import { readMailbox } from './sources/messages.ts';
import type { Extension } from './sources/records.ts';
import { SourceError } from './sources/source-error.ts';
import { DAY_MS } from './windows.ts';

const ACCESS_STREAM = 'messages:access';
const RECHECK_MS = 7 * DAY_MS;

/**
 * RingCentral's documents do not settle whether an admin's token may read other extensions'
 * mailboxes directly. Find out once (one Light call on another extension's mailbox) and remember it
 * for a week: 'direct' reads mailboxes one by one, 'export' uses the admin message-store export.
 */
export async function mailboxAccess(
  env: RunEnv,
  mailboxes: readonly Extension[],
): Promise<'direct' | 'export'> {
  const cursor = await readCursor(env, ACCESS_STREAM);
  const checkedAt = typeof cursor.position.checkedAt === 'string' ? Date.parse(cursor.position.checkedAt) : 0;
  const known =
    cursor.position.mode === 'direct' || cursor.position.mode === 'export' ? cursor.position.mode : null;
  if (known && env.clock.now() - checkedAt < RECHECK_MS) return known;

  const probe = mailboxes.find((m) => m.id !== env.tenant.installedBy.extensionId);
  let mode: 'direct' | 'export' = 'direct';
  let errorCode: string | null = null;
  if (probe) {
    const now = env.clock.now();
    try {
      const pages = readMailbox(env.api, probe.id, {
        dateFrom: new Date(now - 60_000),
        dateTo: new Date(now),
        signal: env.signal,
      });
      await pages.next();
      await pages.return(undefined);
    } catch (error) {
      if (!(error instanceof SourceError) || error.kind !== 'forbidden') throw error;
      mode = 'export';
      errorCode = error.errorCode;
    }
  }
  await moveCursor(env, cursor, {
    mode,
    checkedAt: new Date(env.clock.now()).toISOString(),
    probe: probe?.id ?? null,
    errorCode,
  });
  env.logger.info({ mode, errorCode }, 'mailbox access decided');
  return mode;
}

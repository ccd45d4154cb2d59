import { z } from 'zod';
import { stateSlot } from '../store/state-slot.ts';
import type { RunEnv } from './run-env.ts';
import { readMailbox } from './sources/messages.ts';
import type { Extension } from './sources/records.ts';
import { SourceError } from './sources/source-error.ts';
import { DAY_MS } from './windows.ts';

const RECHECK_MS = 7 * DAY_MS;

/** What the last check found, and when: read again once it is a week old. */
export const MAILBOX_ACCESS = stateSlot(
  'mailbox-access',
  z.object({
    mode: z.enum(['direct', 'export']).nullable(),
    checkedAt: z.iso.datetime().nullable(),
    /** The extension whose mailbox was tried. */
    probe: z.string().nullable(),
    errorCode: z.string().nullable(),
  }),
  { empty: { mode: null, checkedAt: null, probe: null, errorCode: null }, unreadable: 'empty' },
);

/**
 * RingCentral's documents do not settle whether an admin's token may read other extensions'
 * mailboxes directly. Find out once (one Light call on another extension's mailbox) and remember it
 * for a week: 'direct' reads mailboxes one by one, 'export' uses the admin message-store export.
 */
export async function mailboxAccess(
  env: RunEnv,
  mailboxes: readonly Extension[],
): Promise<'direct' | 'export'> {
  const known = await MAILBOX_ACCESS.read(env.deps.store, env.state.tenant.id);
  const checkedAt = known.value.checkedAt ? Date.parse(known.value.checkedAt) : 0;
  if (known.value.mode && env.deps.clock.now() - checkedAt < RECHECK_MS) return known.value.mode;

  const probe = mailboxes.find((m) => m.id !== env.state.tenant.installedBy.extensionId);
  let mode: 'direct' | 'export' = 'direct';
  let errorCode: string | null = null;
  if (probe) {
    const now = env.deps.clock.now();
    try {
      const pages = readMailbox(env.deps.api, probe.id, {
        dateFrom: new Date(now - 60_000),
        dateTo: new Date(now),
        signal: env.state.signal,
      });
      await pages.next();
      await pages.return(undefined);
    } catch (error) {
      if (!(error instanceof SourceError) || error.kind !== 'forbidden') throw error;
      mode = 'export';
      errorCode = error.errorCode;
    }
  }
  const saved = await MAILBOX_ACCESS.write(env.deps.store, env.state.tenant.id, known, {
    mode,
    checkedAt: new Date(env.deps.clock.now()).toISOString(),
    probe: probe?.id ?? null,
    errorCode,
  });
  if (!saved) throw new Error('The mailbox-access decision was written by someone else during this run.');
  env.deps.logger.info({ mode, errorCode }, 'mailbox access decided');
  return mode;
}

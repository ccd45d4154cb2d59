import { z } from 'zod';
import { canonicalJson } from '../lib/canonical-json.ts';
import type { Store } from '../store/types.ts';
import { stateSlot } from '../store/state-slot.ts';
import type { Extension } from './sources/records.ts';

/**
 * The company's extensions as the last run listed them, kept for the settings page: the page shows
 * this list instead of asking RingCentral while the admin waits (a busy or unreachable RingCentral
 * must not turn the page into "type the ids by hand"). Every full run lists the extensions anyway,
 * so keeping them costs one read, and a write only when something changed.
 */

const extensionSchema = z.object({
  id: z.string(),
  extensionNumber: z.string().nullable(),
  name: z.string(),
  type: z.string(),
  hasMailbox: z.boolean(),
});

export type KnownExtension = z.output<typeof extensionSchema>;

export const EXTENSION_LIST = stateSlot(
  'extensions',
  z.object({ extensions: z.array(extensionSchema).nullable() }),
  // Lost or unreadable: the next run lists them again.
  { empty: { extensions: null }, unreadable: 'empty' },
);

/** The extensions an admin may choose from (those that have anything to archive), by number. */
function choosableExtensions(all: readonly Extension[]): KnownExtension[] {
  return all
    .filter((e) => e.hasMailbox || e.type === 'User')
    .map((e) => ({
      id: e.id,
      extensionNumber: e.extensionNumber ?? null,
      // PostgreSQL cannot store NUL in text or JSON; no page would show it anyway.
      name: (e.name ?? '').replaceAll('\u0000', ''),
      type: e.type,
      hasMailbox: e.hasMailbox,
    }))
    .sort(
      (a, b) =>
        (a.extensionNumber ?? '').localeCompare(b.extensionNumber ?? '', 'en', { numeric: true }) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/** Keeps what a listing found; a concurrent writer (another run, the settings page) wins. */
export async function rememberExtensions(
  store: Store,
  tenantId: string,
  all: readonly Extension[],
): Promise<void> {
  const current = await EXTENSION_LIST.read(store, tenantId);
  const next = { extensions: choosableExtensions(all) };
  if (canonicalJson(current.value) === canonicalJson(next)) return;
  await EXTENSION_LIST.write(store, tenantId, current, next);
}

/** The stored list, or null while no run (or refresh) has listed the extensions yet. */
export async function knownExtensions(store: Store, tenantId: string): Promise<KnownExtension[] | null> {
  return (await EXTENSION_LIST.read(store, tenantId)).value.extensions;
}

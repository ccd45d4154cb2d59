/**
 * Every extension of the account (all types and statuses), with whether it has a mailbox.
 *
 * Which types own a message store is not documented by RingCentral. The rule used here:
 * users of any kind (`User`, `DigitalUser`, `VirtualUser`, `FlexibleUser`, `Limited`), `FaxUser`,
 * `Voicemail` (take-messages-only) and `Department` (call queues keep shared voicemail) have
 * one; IVR menus, park locations, paging groups, announcements, line groups, rooms, bots, sites,
 * application and proxy extensions do not. A wrong "yes" costs one Light call answered with
 * 403 CMN-403 ("feature not available for this extension type"); a wrong "no" would lose data,
 * so unknown future types count as having one.
 */
import type { RingCentralApi } from './api.ts';
import { listPages } from './paging.ts';
import type { Extension, RawExtension } from './records.ts';

const WITHOUT_MAILBOX: ReadonlySet<string> = new Set([
  'IvrMenu',
  'ParkLocation',
  'PagingOnly',
  'Announcement',
  'SharedLinesGroup',
  'DelegatedLinesGroup',
  'GroupCallPickup',
  'ApplicationExtension',
  'ProxyAdmin',
  'RoomConnector',
  'Room',
  'Bot',
  'Site',
  'TieLine',
]);

export function hasMailbox(type: string): boolean {
  return !WITHOUT_MAILBOX.has(type);
}

export async function listExtensions(
  api: RingCentralApi,
  options: { signal?: AbortSignal } = {},
): Promise<Extension[]> {
  const byId = new Map<string, Extension>();
  const pages = listPages<RawExtension>(
    api,
    '/restapi/v1.0/account/~/extension',
    { perPage: 1000 },
    options.signal,
  );
  for await (const page of pages) {
    for (const raw of page.records) {
      const type = raw.type ?? 'Unknown';
      const extension: Extension = { ...raw, id: String(raw.id), type, hasMailbox: hasMailbox(type) };
      byId.set(extension.id, extension);
    }
  }
  return [...byId.values()];
}

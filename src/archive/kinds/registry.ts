import { CALL_LOG_KINDS, CALL_LOG_TOGGLES } from '../streams/call-log/kinds.ts';
import { MESSAGE_KINDS, MESSAGE_TOGGLES } from '../streams/messages/kinds.ts';
import type { DataKind } from './kind.ts';

/**
 * Every kind of data the archiver keeps, in the order pages list them, and the settings that turn
 * them on. The settings schema and form, the pages' labels, the archive log's filter, the `{type}`
 * folder and verification all read this list. A new kind is declared next to the stream that
 * reads it (streams/<family>/kinds.ts) and added here.
 */

export const DATA_TOGGLES = [...CALL_LOG_TOGGLES, ...MESSAGE_TOGGLES] as const;
export type DataToggleKey = (typeof DATA_TOGGLES)[number]['key'];

/** The daily calls.csv, sms.csv and manifest.csv: the archiver's own files, always written. */
const REPORT_KIND = {
  id: 'report',
  label: 'Daily reports',
  folder: null,
  toggle: null,
  holds: { record: false, files: true },
} as const satisfies DataKind;

export const DATA_KINDS = [...CALL_LOG_KINDS, ...MESSAGE_KINDS, REPORT_KIND] as const satisfies ReadonlyArray<
  DataKind<string, DataToggleKey>
>;
type DataKindId = (typeof DATA_KINDS)[number]['id'];
export const REPORT_KIND_ID = REPORT_KIND.id;
/** Kinds of items RingCentral holds: every kind but the archiver's own reports. */
export type ItemKindId = Exclude<DataKindId, typeof REPORT_KIND_ID>;
export const ITEM_KINDS = DATA_KINDS.filter(
  (k): k is Extract<(typeof DATA_KINDS)[number], { id: ItemKindId }> => k.id !== REPORT_KIND_ID,
);

const BY_ID = new Map<string, DataKind<DataKindId, DataToggleKey>>(DATA_KINDS.map((k) => [k.id, k]));

export function isItemKind(id: string): id is ItemKindId {
  return BY_ID.has(id) && id !== REPORT_KIND_ID;
}

export function dataKind(id: DataKindId): DataKind<DataKindId, DataToggleKey>;
export function dataKind(id: string): DataKind<DataKindId, DataToggleKey> | undefined;
export function dataKind(id: string): DataKind<DataKindId, DataToggleKey> | undefined {
  return BY_ID.get(id);
}

/** How pages name a kind; an unknown one (from a newer version) by its id. */
export const kindLabel = (id: string): string => BY_ID.get(id)?.label ?? id;

/** Whether these settings archive items of this kind. */
export function archivesKind(dataTypes: Record<DataToggleKey, boolean>, id: ItemKindId): boolean {
  const toggle = dataKind(id).toggle;
  return toggle !== null && dataTypes[toggle];
}

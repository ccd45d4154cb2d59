import type { LedgerKey, SearchEntry } from '../store/types.ts';
import { dataKind } from './kinds/registry.ts';
import { recordingsOf } from './sources/call-log.ts';
import type { CallLogRecord, CallParty, Extension, MessageRecord } from './sources/records.ts';

/**
 * What search and the item page keep of one archived call or message (store/types SearchEntry),
 * built from the record's JSON as RingCentral sent it: at archive time, and by the backfill from
 * the JSON already in the destination. Pure: the extension comes from the caller.
 */

type Party = Pick<CallParty, 'phoneNumber' | 'extensionNumber' | 'name'>;

const partyText = (p: Party | undefined): string => {
  if (!p) return '';
  const number = p.phoneNumber ?? p.extensionNumber ?? '';
  return number && p.name ? `${number} (${p.name})` : number || (p.name ?? '');
};

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The extension a record belongs to: the call's own field, a message's owner, else its address. */
export function recordExtensionId(record: {
  extension?: { id?: unknown };
  extensionId?: unknown;
  uri?: unknown;
}) {
  const id = record.extension?.id ?? record.extensionId;
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  return /\/extension\/(\d+)\//.exec(text(record.uri))?.[1] ?? null;
}

export function searchEntryFor(input: {
  tenantId: string;
  kind: string;
  /** The record's JSON (a call-log record or a message). */
  record: Record<string, unknown>;
  extension: Pick<Extension, 'id' | 'extensionNumber' | 'name'> | null;
  /** Where the record's JSON is archived. */
  path: string;
}): SearchEntry | null {
  const { tenantId, kind, extension, path } = input;
  const id = input.record.id;
  if (!dataKind(kind)?.holds.record || (typeof id !== 'string' && typeof id !== 'number')) return null;
  const ext = extension && {
    id: extension.id,
    number: extension.extensionNumber ?? null,
    name: extension.name ?? null,
  };
  const extNumbers = ext?.number ? [ext.number] : [];
  const extNames = ext?.name ? [ext.name] : [];
  if (kind === 'call') {
    const record = { ...(input.record as unknown as CallLogRecord), id: String(id) };
    const recordings = recordingsOf(record);
    const parties = [record.from, record.to].filter((p): p is CallParty => p !== undefined);
    const files: LedgerKey[] = [
      { kind: 'call', sourceId: record.id, attachmentId: '' },
      ...recordings.map((r) => ({ kind: 'recording', sourceId: r.id, attachmentId: '' })),
    ];
    return {
      tenantId,
      kind,
      sourceId: record.id,
      at: new Date(record.startTime),
      direction: text(record.direction),
      from: partyText(record.from),
      to: partyText(record.to),
      numbers: [...numbersOf(parties), ...extNumbers],
      names: [...namesOf(parties), ...extNames],
      extension: ext,
      hasRecording: recordings.length > 0,
      durationSeconds: typeof record.duration === 'number' ? record.duration : null,
      result: text(record.result),
      summary: [record.type, record.action].filter(Boolean).join(' · '),
      path,
      files,
    };
  }
  const record = input.record as unknown as MessageRecord;
  const attachments = Array.isArray(record.attachments) ? record.attachments : [];
  const parties = [record.from, ...(record.to ?? [])].filter((p) => p !== undefined);
  const audio = attachments.find((a) => a.type === 'AudioRecording');
  const summary =
    kind === 'fax'
      ? `${record.faxPageCount ?? '?'} page(s)`
      : kind === 'voicemail'
        ? text(record.vmTranscriptionStatus)
        : text(record.subject).slice(0, 200);
  return {
    tenantId,
    kind,
    sourceId: String(record.id),
    at: new Date(record.creationTime ?? 0),
    direction: text(record.direction),
    from: partyText(record.from),
    to: (record.to ?? []).map(partyText).filter(Boolean).join('; '),
    numbers: [...numbersOf(parties), ...extNumbers],
    names: [...namesOf(parties), ...extNames],
    extension: ext,
    hasRecording: audio !== undefined,
    durationSeconds: audio?.vmDuration ?? null,
    result: text(record.messageStatus),
    summary,
    path,
    files: [
      { kind, sourceId: String(record.id), attachmentId: '' },
      ...attachments.map((a) => ({ kind, sourceId: String(record.id), attachmentId: String(a.id) })),
    ],
  };
}

const numbersOf = (parties: readonly Party[]) =>
  parties.flatMap((p) => [p.phoneNumber, p.extensionNumber]).filter((n): n is string => !!n);

const namesOf = (parties: readonly Party[]) => parties.map((p) => p.name).filter((n): n is string => !!n);

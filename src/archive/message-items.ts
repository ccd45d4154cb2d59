import type { ReportRow } from '../store/types.ts';
import { asJson, fileExtensionFor, recordJsonItem, type ArchiveItem, type OpenedSource } from './items.ts';
import { archivesKind } from './kinds/registry.ts';
import { localDay, renderItemPath, type PathExtension, type PathItem } from './paths.ts';
import { smsRowFromMessage } from './report-csv.ts';
import type { RunEnv } from './run-env.ts';
import type { MessageAttachment, MessageRecord } from './sources/records.ts';
import { messageKind } from './streams/messages/kinds.ts';

/** How to get one attachment's bytes: from the export's ZIP, or from RingCentral's media host. */
export type AttachmentOpener = (attachment: MessageAttachment, signal: AbortSignal) => Promise<OpenedSource>;

export interface MessagePlan {
  items: ArchiveItem[];
  /** The sms.csv row, for SMS, MMS and pager messages. */
  smsRow: ReportRow | null;
  day: string;
}

/**
 * The items of one message: its full record as JSON, and each attachment (voicemail audio and its
 * transcription, fax documents, SMS text, MMS pictures) next to it under the same base name.
 */
export function messageItems(
  env: RunEnv,
  record: MessageRecord,
  extensionId: string,
  open: AttachmentOpener,
): MessagePlan | null {
  const kind = messageKind(
    record.type,
    record.attachments.map((a) => a.type),
  );
  if (!kind || !record.creationTime || !archivesKind(env.state.settings.dataTypes, kind)) return null;
  const ext = env.state.extensions.get(extensionId);
  const extension: PathExtension = {
    id: extensionId,
    number: ext?.extensionNumber ?? null,
    name: ext?.name ?? null,
  };
  const at = Date.parse(record.creationTime);
  const day = localDay(record.creationTime, env.state.settings.timezone);
  const base: Omit<PathItem, 'fileExtension' | 'attachmentIndex'> = {
    company: env.state.company,
    kind,
    timestamp: record.creationTime,
    extension,
    direction: record.direction ?? null,
    from: record.from ?? null,
    to: record.to ?? [],
    id: record.id,
  };
  const jsonPath = renderItemPath(env.state.settings, { ...base, fileExtension: 'json' });
  const items: ArchiveItem[] = [recordJsonItem(kind, record, { path: jsonPath, day, at, extensionId })];
  const several = record.attachments.length > 1;
  const attachmentPaths: string[] = [];
  record.attachments.forEach((attachment, index) => {
    const path = renderItemPath(env.state.settings, {
      ...base,
      attachmentIndex: several ? index + 1 : null,
      fileExtension: fileExtensionFor(attachment.contentType),
    });
    attachmentPaths.push(path);
    items.push({
      kind,
      sourceId: record.id,
      attachmentId: attachment.id,
      path,
      day,
      at,
      sourceModifiedAt: null,
      size: attachment.size ?? null,
      mode: 'add',
      open: (signal) => open(attachment, signal),
      descriptor: { source: 'download', uri: attachment.uri, path, day, at, size: attachment.size ?? null },
    });
  });
  const smsRow =
    kind === 'sms' || kind === 'mms'
      ? {
          key: record.id,
          row: asJson(
            smsRowFromMessage(
              {
                ...record,
                type: record.type ?? 'SMS',
                creationTime: record.creationTime,
                direction: record.direction ?? '',
              },
              { extension, attachmentPaths },
            ),
          ),
        }
      : null;
  return { items, smsRow, day };
}

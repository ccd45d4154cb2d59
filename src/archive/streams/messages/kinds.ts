import type { DataKind, DataToggle } from '../../kinds/kind.ts';
import type { MessageType } from '../../sources/records.ts';

/** Every extension's message store: voicemail, fax, SMS and MMS, each record's JSON and attachments. */

export const MESSAGE_TOGGLES = [
  { key: 'voicemail', label: 'Voicemail' },
  { key: 'fax', label: 'Fax' },
  { key: 'sms', label: 'SMS and MMS (sms.csv)' },
] as const satisfies readonly DataToggle[];

type MessageToggle = (typeof MESSAGE_TOGGLES)[number]['key'];

const message = { record: true, files: true } as const;

export const MESSAGE_KINDS = [
  { id: 'voicemail', label: 'Voicemails', folder: 'Voicemail', toggle: 'voicemail', holds: message },
  { id: 'fax', label: 'Faxes', folder: 'Fax', toggle: 'fax', holds: message },
  { id: 'sms', label: 'SMS', folder: 'SMS', toggle: 'sms', holds: message },
  // MMS are SMS with picture or video attachments: same setting, same folder.
  { id: 'mms', label: 'MMS', folder: 'SMS', toggle: 'sms', holds: message },
] as const satisfies ReadonlyArray<DataKind<string, MessageToggle>>;

export type MessageKind = (typeof MESSAGE_KINDS)[number]['id'];

/** The message types each setting asks RingCentral for (Pager: internal text messages). */
export const MESSAGE_TYPES: Record<MessageToggle, readonly MessageType[]> = {
  voicemail: ['VoiceMail'],
  fax: ['Fax'],
  sms: ['SMS', 'Pager'],
};

/** Which kind a message is, from RingCentral's type and its attachments' types. */
export function messageKind(
  type: string | undefined,
  attachmentTypes: readonly string[],
): MessageKind | null {
  if (type === 'VoiceMail') return 'voicemail';
  if (type === 'Fax') return 'fax';
  if (type === 'SMS' || type === 'Pager' || type === 'Text')
    return attachmentTypes.includes('MmsAttachment') ? 'mms' : 'sms';
  return null;
}

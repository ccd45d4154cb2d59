/**
 * The simulator's internal records. Times are epoch milliseconds on the simulator clock; the API
 * layer turns them into RingCentral's JSON. Binary content is never stored: attachments and
 * recordings carry what seed/media.ts needs to regenerate their bytes.
 */
import type { ExtensionType, MessageKind } from './options.ts';

export interface Extension {
  id: number;
  extensionNumber: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  type: ExtensionType;
  status: 'Enabled' | 'Disabled' | 'NotActivated';
  admin: boolean;
  /** The extension's direct number, used as a party on its calls and messages. */
  phoneNumber: string;
  creationTime: number;
}

export interface Party {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
  location?: string;
}

export type AudioFormat = 'audio/mpeg' | 'audio/wav';

export interface Recording {
  id: string;
  type: 'Automatic' | 'OnDemand';
  contentType: AudioFormat;
  size: number;
  duration: number;
  /** When the recording attaches to its call record (late recordings: minutes after the call). */
  availableAt: number;
  deleted: boolean;
}

export interface CallRecord {
  id: string;
  /** Per-account call number; the session ids of the API are derived from it (see ids.ts). */
  seq: number;
  extensionId: number;
  startTime: number;
  duration: number;
  type: 'Voice' | 'Fax';
  direction: 'Inbound' | 'Outbound';
  action: string;
  result: string;
  reason?: string;
  internalType: string;
  transport: 'PSTN' | 'VoIP';
  from: Party;
  to: Party;
  recording: Recording | null;
  shortRecording: boolean;
  message: { id: number; type: 'VoiceMail' | 'Fax' } | null;
  /** Last change other than a recording attaching (which moves lastModifiedTime on its own). */
  modifiedAt: number;
  costIncluded: number;
  /** When the call ended on the simulator clock, when it is not startTime + duration (compressed days). */
  endsAt?: number;
}

export type AttachmentType =
  'AudioRecording' | 'AudioTranscription' | 'Text' | 'RenderedDocument' | 'MmsAttachment';

/** What the media generator needs to rebuild an attachment's bytes. */
export type AttachmentBody =
  | { kind: 'audio'; format: AudioFormat; size: number }
  | { kind: 'text'; text: string }
  | { kind: 'pdf'; pages: number; title: string; lines: string[] }
  | { kind: 'png'; seed: number }
  | { kind: 'jpeg'; seed: number };

export interface Attachment {
  id: number;
  type: AttachmentType;
  contentType: string;
  size: number;
  fileName?: string;
  vmDuration?: number;
  width?: number;
  height?: number;
  body: AttachmentBody;
}

export interface Message {
  id: number;
  extensionId: number;
  type: MessageKind;
  direction: 'Inbound' | 'Outbound';
  creationTime: number;
  lastModifiedTime: number;
  readStatus: 'Read' | 'Unread';
  availability: 'Alive' | 'Deleted' | 'Purged';
  messageStatus: 'Received' | 'Sent' | 'Delivered';
  priority: 'Normal' | 'High';
  from: Party;
  to: Party[];
  subject?: string;
  conversationId?: number;
  vmTranscriptionStatus?: 'NotAvailable' | 'InProgress' | 'Completed' | 'Failed';
  faxPageCount?: number;
  faxResolution?: 'High' | 'Low';
  attachments: Attachment[];
}

/** Extension types that own a message store (an assumption: RingCentral publishes no list). */
export const MAILBOX_TYPES: ReadonlySet<ExtensionType> = new Set<ExtensionType>([
  'User',
  'DigitalUser',
  'Department',
  'FaxUser',
  'Voicemail',
]);

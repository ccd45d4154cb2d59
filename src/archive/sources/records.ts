/**
 * The RingCentral JSON the archive reads, narrowed to what it uses (shapes from the OpenAPI spec:
 * CallLogRecord, GetMessageInfoResponse, GetExtensionListInfoResponse, paging/navigation).
 * Unlisted fields are kept on the objects as they came; the archive stores them verbatim.
 *
 * Identifiers leave this module as strings: call-log ids already are, but message, attachment and
 * extension ids are JSON numbers, and `conversationId` can exceed 2^53 (JSON.parse mangles it),
 * so it is taken from `conversation.id`, which RingCentral sends as a string.
 */

interface PageLink {
  uri: string;
}

export interface Navigation {
  firstPage?: PageLink;
  nextPage?: PageLink;
  previousPage?: PageLink;
  lastPage?: PageLink;
}

/** Totals may be missing (the call log omits them); never rely on them. */
export interface Paging {
  page?: number;
  perPage?: number;
  pageStart?: number;
  pageEnd?: number;
  totalPages?: number;
  totalElements?: number;
}

export interface ListResponse<T> {
  uri?: string;
  records: T[];
  paging?: Paging;
  navigation?: Navigation;
}

// ── Call log ─────────────────────────────────────────────────────────────────────────────────────

export interface CallParty {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
  location?: string;
  device?: { id?: string; uri?: string };
}

/** A call's recording; `contentUri` is absolute (media host) and is followed as given. */
export interface RecordingRef {
  id: string;
  uri?: string;
  type?: 'Automatic' | 'OnDemand';
  contentUri: string;
}

interface CallLogCommon {
  startTime: string;
  duration?: number;
  durationMs?: number;
  type: 'Voice' | 'Fax';
  direction: 'Inbound' | 'Outbound';
  action?: string;
  result?: string;
  reason?: string;
  reasonDescription?: string;
  internalType?: string;
  transport?: 'PSTN' | 'VoIP';
  from?: CallParty;
  to?: CallParty;
  /** The extension the call is logged for (ids normalized to strings). */
  extension?: { id: string; uri?: string };
  recording?: RecordingRef;
  message?: { id: string; type: string; uri?: string };
}

interface CallLogLeg extends CallLogCommon {
  legType?: string;
  master?: boolean;
}

export interface CallLogRecord extends CallLogCommon {
  id: string;
  uri?: string;
  sessionId?: string;
  telephonySessionId?: string;
  shortRecording?: boolean;
  deleted?: boolean;
  lastModifiedTime?: string;
  billing?: { costIncluded?: number; costPurchased?: number };
  legs?: CallLogLeg[];
}

/** As RingCentral sends it: extension ids are numbers. */
type RawCallPart<T> = Omit<T, 'extension'> & { extension?: { id: number | string; uri?: string } };
export type RawCallLogRecord = RawCallPart<Omit<CallLogRecord, 'legs'>> & {
  legs?: Array<RawCallPart<CallLogLeg>>;
};

export function toCallLogRecord(raw: RawCallLogRecord): CallLogRecord {
  const withExtension = <T extends { extension?: { id: number | string; uri?: string } }>(part: T) =>
    part.extension ? { ...part, extension: { ...part.extension, id: String(part.extension.id) } } : part;
  const record = withExtension(raw) as CallLogRecord;
  if (raw.legs) record.legs = raw.legs.map((leg) => withExtension(leg) as CallLogLeg);
  return { ...record, id: String(raw.id) };
}

// ── Message store ────────────────────────────────────────────────────────────────────────────────

export type MessageType = 'Fax' | 'SMS' | 'VoiceMail' | 'Pager' | 'Text';
type Availability = 'Alive' | 'Deleted' | 'Purged';
export type AttachmentType =
  'AudioRecording' | 'AudioTranscription' | 'Text' | 'SourceDocument' | 'RenderedDocument' | 'MmsAttachment';

export interface MessageAttachment {
  id: string;
  /** Absolute content URI (media host); Medium group. */
  uri: string;
  type: AttachmentType;
  contentType: string;
  size?: number;
  vmDuration?: number;
  fileName?: string;
  width?: number;
  height?: number;
}

interface MessageParty {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
  location?: string;
}

export interface MessageRecord {
  id: string;
  uri?: string;
  extensionId?: string;
  /** Missing on a purged message in a sync answer (only id and availability come). */
  type?: MessageType;
  direction?: 'Inbound' | 'Outbound';
  availability: Availability;
  creationTime?: string;
  lastModifiedTime?: string;
  readStatus?: 'Read' | 'Unread';
  messageStatus?: string;
  priority?: 'Normal' | 'High';
  from?: MessageParty;
  to?: MessageParty[];
  subject?: string;
  conversationId?: string;
  conversation?: { id: string; uri?: string };
  vmTranscriptionStatus?: string;
  faxPageCount?: number;
  faxResolution?: 'High' | 'Low';
  attachments: MessageAttachment[];
}

export type RawMessageRecord = Omit<
  MessageRecord,
  'id' | 'attachments' | 'conversationId' | 'availability'
> & {
  id: number | string;
  availability?: Availability;
  conversationId?: number | string;
  attachments?: Array<Omit<MessageAttachment, 'id'> & { id: number | string }>;
};

export function toMessageRecord(raw: RawMessageRecord): MessageRecord {
  const { conversationId: rawConversationId, ...rest } = raw;
  const record: MessageRecord = {
    ...rest,
    id: String(raw.id),
    availability: raw.availability ?? 'Alive',
    attachments: (raw.attachments ?? []).map((a) => ({ ...a, id: String(a.id) })),
  };
  const conversationId = raw.conversation?.id ?? rawConversationId;
  if (conversationId !== undefined) record.conversationId = String(conversationId);
  return record;
}

// ── Extensions ───────────────────────────────────────────────────────────────────────────────────

export interface Extension {
  id: string;
  uri?: string;
  extensionNumber?: string;
  name?: string;
  /** `User`, `Department`, `IvrMenu`, … (23 types in the spec; new ones may appear). */
  type: string;
  status?: string;
  /** Whether the extension owns a message store worth reading (see extensions.ts). */
  hasMailbox: boolean;
}

export interface RawExtension {
  id: number | string;
  uri?: string;
  extensionNumber?: string;
  name?: string;
  type?: string;
  status?: string;
}

/** A message as RingCentral's GetMessageInfoResponse (ids as JSON numbers, URIs absolute). */
import type { Account } from '../account.ts';
import type { Message, Party } from '../model.ts';
import type { Urls } from '../urls.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

function party(p: Party): Record<string, string> {
  const out: Record<string, string> = {};
  if (p.phoneNumber) out.phoneNumber = p.phoneNumber;
  if (p.extensionNumber) out.extensionNumber = p.extensionNumber;
  if (p.extensionId) out.extensionId = p.extensionId;
  if (p.name) out.name = p.name;
  if (p.location) out.location = p.location;
  return out;
}

export function messageJson(account: Account, m: Message, urls: Urls): Record<string, unknown> {
  const uri = urls.message(account.id, m.extensionId, m.id);
  if (m.availability === 'Purged') {
    // What ISync returns for a purged message: only its identity and availability.
    return { uri, id: m.id, availability: m.availability, lastModifiedTime: iso(m.lastModifiedTime) };
  }
  const out: Record<string, unknown> = {
    uri,
    id: m.id,
    extensionId: String(m.extensionId),
    to: m.to.map(party),
    from: party(m.from),
    type: m.type,
    creationTime: iso(m.creationTime),
    readStatus: m.readStatus,
    priority: m.priority,
    attachments: m.attachments.map((a) => {
      const att: Record<string, unknown> = {
        id: a.id,
        uri: urls.attachmentContent(account.id, m.extensionId, m.id, a.id),
        type: a.type,
        contentType: a.contentType,
        size: a.size,
      };
      if (a.vmDuration !== undefined) att.vmDuration = a.vmDuration;
      if (a.fileName !== undefined) att.fileName = a.fileName;
      if (a.width !== undefined) att.width = a.width;
      if (a.height !== undefined) att.height = a.height;
      return att;
    }),
    direction: m.direction,
    availability: m.availability,
    messageStatus: m.messageStatus,
    lastModifiedTime: iso(m.lastModifiedTime),
  };
  if (m.subject !== undefined) out.subject = m.subject;
  if (m.vmTranscriptionStatus) out.vmTranscriptionStatus = m.vmTranscriptionStatus;
  if (m.faxPageCount !== undefined) out.faxPageCount = m.faxPageCount;
  if (m.faxResolution) out.faxResolution = m.faxResolution;
  if (m.conversationId !== undefined) {
    out.conversationId = m.conversationId;
    out.conversation = {
      id: String(m.conversationId),
      uri: `${urls.platform}/restapi/v1.0/conversation/${m.conversationId}`,
    };
  }
  if (m.type === 'SMS' && m.direction === 'Outbound') {
    out.smsDeliveryTime = iso(m.creationTime + 2000);
    out.smsSendingAttemptsCount = 1;
  }
  if (m.type === 'Pager') out.pgToDepartment = false;
  return out;
}

/**
 * Event filters of the two families the simulator emits: an extension's message store
 * (`/restapi/v1.0/account/{a}/extension/{e}/message-store[?type=&direction=]`, app permission
 * ReadMessages) and the account's telephony sessions
 * (`/restapi/v1.0/account/{a}/telephony/sessions[?direction=&missedCall=&phoneNumber=&sipData=&statusCode=&withRecordings=]`,
 * app permission CallControl). A filter is stored with `~` replaced by the owner's account and
 * extension ids, as RingCentral shows it back; its query narrows which events it receives.
 */

const MESSAGE_STORE = /^\/restapi\/v1\.0\/account\/([^/]+)\/extension\/([^/]+)\/message-store$/;
const TELEPHONY = /^\/restapi\/v1\.0\/account\/([^/]+)\/telephony\/sessions$/;

const MESSAGE_PARAMS: Record<string, readonly string[] | null> = {
  type: ['Fax', 'SMS', 'VoiceMail', 'Pager'],
  direction: ['Inbound', 'Outbound'],
};
const STATUS_CODES = [
  'Setup',
  'Proceeding',
  'Answered',
  'Disconnected',
  'Gone',
  'Parked',
  'Hold',
  'VoiceMail',
  'FaxReceive',
  'VoiceMailScreening',
];
const TELEPHONY_PARAMS: Record<string, readonly string[] | null> = {
  direction: ['Inbound', 'Outbound'],
  missedCall: ['true', 'false'],
  phoneNumber: null,
  sipData: ['true', 'false'],
  statusCode: STATUS_CODES,
  withRecordings: ['true', 'false'],
};

export type ParsedFilter =
  | { kind: 'message-store'; account: string; extension: string; query: URLSearchParams }
  | { kind: 'telephony'; account: string; query: URLSearchParams };

/** The filter's family and path ids, or null when the simulator does not know it or a value is bad. */
export function parseFilter(filter: string): ParsedFilter | null {
  if (!filter.startsWith('/')) return null;
  let url: URL;
  try {
    url = new URL(filter, 'http://filter.invalid');
  } catch {
    return null;
  }
  const message = MESSAGE_STORE.exec(url.pathname);
  if (message && validQuery(url.searchParams, MESSAGE_PARAMS))
    return { kind: 'message-store', account: message[1]!, extension: message[2]!, query: url.searchParams };
  const telephony = TELEPHONY.exec(url.pathname);
  if (telephony && validQuery(url.searchParams, TELEPHONY_PARAMS))
    return { kind: 'telephony', account: telephony[1]!, query: url.searchParams };
  return null;
}

function validQuery(query: URLSearchParams, allowed: Record<string, readonly string[] | null>): boolean {
  for (const [key, value] of query) {
    if (!(key in allowed)) return false;
    const values = allowed[key];
    if (values && !values.includes(value)) return false;
  }
  return true;
}

/** The filter as RingCentral lists it: `~` replaced by the owner's ids, the query kept. */
export function expandFilter(filter: string, accountId: string, ownerExtensionId: number): string {
  const [path, query] = splitQuery(filter);
  const expanded = path
    .replace(/^\/restapi\/v1\.0\/account\/~(?=\/|$)/, `/restapi/v1.0/account/${accountId}`)
    .replace(/\/extension\/~(?=\/|$)/, `/extension/${ownerExtensionId}`);
  return query === null ? expanded : `${expanded}?${query}`;
}

function splitQuery(filter: string): [string, string | null] {
  const at = filter.indexOf('?');
  return at < 0 ? [filter, null] : [filter.slice(0, at), filter.slice(at + 1)];
}

/** What a message-store change looks like to the filters. */
interface MessageChange {
  extensionId: number;
  type: string;
  direction: string;
}

/** What a telephony-session notification looks like to the filters. */
export interface CallChange {
  direction: string;
  statusCode: string;
  missedCall: boolean;
  hasRecordings: boolean;
  phoneNumbers: string[];
}

export function messageFilterMatches(filter: ParsedFilter, change: MessageChange): boolean {
  if (filter.kind !== 'message-store' || filter.extension !== String(change.extensionId)) return false;
  const type = filter.query.get('type');
  const direction = filter.query.get('direction');
  return (type === null || type === change.type) && (direction === null || direction === change.direction);
}

export function callFilterMatches(filter: ParsedFilter, change: CallChange): boolean {
  if (filter.kind !== 'telephony') return false;
  const q = filter.query;
  if (q.get('direction') !== null && q.get('direction') !== change.direction) return false;
  if (q.get('statusCode') !== null && q.get('statusCode') !== change.statusCode) return false;
  if (q.get('missedCall') === 'true' && !change.missedCall) return false;
  if (q.get('withRecordings') === 'true' && !change.hasRecordings) return false;
  const phone = q.get('phoneNumber');
  return phone === null || change.phoneNumbers.includes(phone);
}

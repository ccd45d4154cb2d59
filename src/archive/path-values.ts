import { dataKind, type ItemKindId } from './kinds/registry.ts';
import type { DateTimeParts } from './local-time.ts';
import type { Placeholder } from './template.ts';

/**
 * What an archived item is, as the path builder needs it (the pipeline fills it from RingCentral
 * records), and the text each template placeholder stands for.
 */

/** The kinds of items the templates place (every kind RingCentral holds; kinds/registry.ts). */
type ItemKind = ItemKindId;

/** A party as RingCentral describes it (`from`, one of `to`). */
interface PathParty {
  phoneNumber?: string | null;
  extensionNumber?: string | null;
  name?: string | null;
}

export interface PathExtension {
  id: string;
  number: string | null;
  name: string | null;
}

export interface PathItem {
  company: string;
  kind: ItemKind;
  /** When it happened, ISO 8601 with a zone: a call's `startTime`, a message's `creationTime`. */
  timestamp: string;
  /** The extension it belongs to; null for company-level calls (they go under "Company"). */
  extension: PathExtension | null;
  /** RingCentral's `Inbound` / `Outbound` (written in lower case); null when unknown. */
  direction: string | null;
  from: PathParty | null;
  /** Every recipient: one for a call, several for a group message. */
  to: readonly PathParty[];
  /** The RingCentral id: recording id, message id or call-log record id. */
  id: string;
  /** Position among a message's attachments when it has several; omit for the record's own files. */
  attachmentIndex?: number | null;
  /** `mp3`, `pdf`, `json` ...: reduced to lower-case letters and digits, `bin` when nothing is left. */
  fileExtension: string;
}

/** What `{extension}`, `{extensionNumber}` and `{extensionName}` become for items of no extension. */
const NO_EXTENSION_FOLDER = 'Company';

export type Values = Record<Placeholder, string>;

/** The values of a day (the daily report folder uses only company and date placeholders). */
export function dayValues(company: string, at: DateTimeParts): Values {
  return {
    company,
    ...at,
    date: `${at.yyyy}-${at.mm}-${at.dd}`,
    time: `${at.hh}-${at.min}-${at.ss}`,
    extension: '',
    extensionNumber: '',
    extensionName: '',
    type: '',
    direction: '',
    from: '',
    to: '',
    id: '',
  };
}

/** The values for one item; `at` is local time for folders and UTC for the file name. */
export function itemValues(item: PathItem, at: DateTimeParts, token: string): Values {
  const extension = item.extension;
  const number = extension ? clean(extension.number) || extension.id : NO_EXTENSION_FOLDER;
  const name = extension ? clean(extension.name) : NO_EXTENSION_FOLDER;
  const [firstRecipient] = item.to;
  const to =
    item.to.length > 1
      ? `${partyLabel(firstRecipient)}_and_${item.to.length - 1}_more`
      : partyLabel(firstRecipient);
  return {
    ...dayValues(item.company, at),
    extension: extension ? `Ext ${number}${name ? ` - ${name}` : ''}` : NO_EXTENSION_FOLDER,
    extensionNumber: number,
    extensionName: name || `Ext ${number}`,
    type: dataKind(item.kind).folder ?? item.kind,
    direction: clean(item.direction).toLowerCase() || 'unknown',
    from: partyLabel(item.from ?? undefined),
    to,
    id: token,
  };
}

const clean = (text: string | null | undefined): string => (text ?? '').trim();

/** Internal parties by extension number (the example's "to_101"), outside ones by phone number. */
function partyLabel(party: PathParty | undefined): string {
  return clean(party?.extensionNumber) || clean(party?.phoneNumber) || clean(party?.name) || 'unknown';
}

import { createHash } from 'node:crypto';

/**
 * How an item's RingCentral id appears in its file name. The token is the one thing that keeps two
 * items apart in a folder, so the encoding is injective: letters and digits stay as they are (real
 * ids are only those: `1662272004`, `IVWtSyis720zMEA`), every other UTF-16 unit becomes `%XX` or
 * `%uXXXX`, and an attachment's position follows a `-` that no encoded id contains. Because the
 * token never contains `_`, space or `.`, a separator before `{id}` in the file template marks
 * where the id starts (the template rules require one), whatever the text before it holds.
 *
 * Some destinations (Dropbox) compare names without regard to case, so two ids that differ only in
 * letter case would share a file there; RingCentral's ids are not known to do that, and the ledger would report the clash.
 */

/** Every character a token can contain. */
export const ID_TOKEN_CHARACTER = /[A-Za-z0-9%-]/;

/** Encoded ids longer than this are shortened to a prefix and a SHA-256, so any id fits in a name. */
const MAX_PLAIN_LENGTH = 100;
const SHORTENED_PREFIX_LENGTH = 40;

export function idToken(id: string, attachmentIndex?: number | null): string {
  if (id === '') throw new RangeError('an archived item needs a non-empty id');
  const encoded = encodeId(id);
  const token =
    encoded.length <= MAX_PLAIN_LENGTH
      ? encoded
      : // "%%" never occurs in a plain encoding (each % starts an escape), so the forms cannot meet.
        `${encoded.slice(0, SHORTENED_PREFIX_LENGTH)}%%${createHash('sha256').update(id, 'utf16le').digest('hex')}`;
  if (attachmentIndex == null) return token;
  if (!Number.isSafeInteger(attachmentIndex) || attachmentIndex < 0) {
    throw new RangeError(`attachment index must be a whole number ≥ 0, got ${attachmentIndex}`);
  }
  return `${token}-${attachmentIndex}`;
}

function encodeId(id: string): string {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const unit = id.charCodeAt(i);
    const char = id[i] ?? '';
    if (/[A-Za-z0-9]/.test(char)) out += char;
    else if (unit < 0x100) out += `%${hex(unit, 2)}`;
    else out += `%u${hex(unit, 4)}`;
  }
  return out;
}

const hex = (value: number, width: number): string => value.toString(16).toUpperCase().padStart(width, '0');

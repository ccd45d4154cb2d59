/**
 * One component of a Dropbox path (a folder or file name), made safe for Dropbox itself and for
 * the Windows and macOS desktop clients that sync the archive to people's computers. Names come
 * from outside (company names, extension names, caller names chosen by whoever calls), so every
 * component of every path we write passes through `sanitizeComponent`.
 */

/** Dropbox counts name length in UTF-16 code units (an emoji is two), as JavaScript strings do. */
export const MAX_COMPONENT_UNITS = 255;

/** Always refused by Dropbox (`/`, `\`) or accepted but unsyncable on Windows (`< > : " | ? *`). */
const FORBIDDEN = /[/\\<>:"|?*]/g;
/** C0 and C1 control characters and DEL, U+0000–U+001F and U+007F–U+009F (Dropbox loses NUL and DEL; Windows refuses all). */
const CONTROL = /\p{Cc}/gu;
/**
 * Bidirectional overrides and isolates, zero-width spaces and marks, and the BOM: a caller name
 * could use them to disguise a file name (a reversed extension). ZWJ stays: emoji need it.
 */
const INVISIBLE_FORMATTING = /[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** Names Dropbox refuses with `disallowed_name`, compared case-insensitively. */
const DISALLOWED_NAMES = new Set([
  'desktop.ini',
  'thumbs.db',
  '.ds_store',
  'icon\r',
  '.dropbox',
  '.dropbox.attr',
]);

/** Windows device names, reserved with or without an extension or trailing spaces (`CON`, `com1 .txt`). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?=\s*(?:\.|$))/i;

/** A short alphanumeric extension that truncation keeps (`.mp3`, `.json`). */
const FILE_EXTENSION = /\.[A-Za-z0-9]{1,16}$/;

/** What stands for a name that sanitizes to nothing. */
export const EMPTY_NAME = '_';

const TRUNCATION_MARK = '…';

/**
 * A name Dropbox stores as given and every desktop client can sync: forbidden and control
 * characters replaced, whitespace collapsed, no leading or trailing space, no trailing dot, no
 * leading dot (it would hide the item on macOS and Linux), never empty, never a reserved or
 * disallowed name, NFC-normalized (so the same visible name is always the same folder), and at
 * most 255 UTF-16 units, cut at a character boundary with a file extension kept.
 * Idempotent: sanitizing a sanitized name returns it unchanged.
 */
export function sanitizeComponent(text: string): string {
  const name = stripTrailingDotsAndSpaces(cleanCharacters(text).trim()).replace(/^\./, '_');
  // Reserved names first: the fix adds a unit, and cutting to length never makes a reserved name.
  return name === '' ? EMPTY_NAME : fitLength(avoidReservedNames(name));
}

/**
 * The character rules alone (no trimming, fitting or reserved names): forbidden characters become
 * `_`, control characters become spaces, invisible formatting goes, whitespace runs become one space.
 * Each replacement swaps one unit for one or none, so only NFC can (rarely) lengthen a text.
 */
export function cleanCharacters(text: string): string {
  return text
    .toWellFormed()
    .normalize('NFC')
    .replace(INVISIBLE_FORMATTING, '')
    .replace(CONTROL, ' ')
    .replace(FORBIDDEN, '_')
    .replace(/\s+/g, ' ');
}

function stripTrailingDotsAndSpaces(name: string): string {
  return name.replace(/[.\s]+$/, '');
}

/** Cuts a long name at the end of its stem, keeping any file extension and marking the cut. */
function fitLength(name: string): string {
  if (name.length <= MAX_COMPONENT_UNITS) return name;
  const extension = FILE_EXTENSION.exec(name)?.[0] ?? '';
  const stem = name.slice(0, name.length - extension.length);
  const room = MAX_COMPONENT_UNITS - extension.length - TRUNCATION_MARK.length;
  return `${stripTrailingDotsAndSpaces(truncateUnits(stem, room))}${TRUNCATION_MARK}${extension}`;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The longest prefix of `text` of at most `maxUnits` UTF-16 units that ends on a grapheme
 * boundary: never half a surrogate pair, never an emoji without its modifier or a letter without
 * its accent.
 */
export function truncateUnits(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    if (index + segment.length > maxUnits) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

function avoidReservedNames(name: string): string {
  if (DISALLOWED_NAMES.has(name.toLowerCase())) return `${EMPTY_NAME}${name}`;
  // "CON.txt" → "CON_.txt": Windows reserves the device name whatever the extension.
  const reserved = WINDOWS_RESERVED.exec(name);
  if (reserved?.[1]) return `${reserved[1]}_${name.slice(reserved[1].length)}`;
  return name;
}

/**
 * Why `name` cannot be a component of a path we write, or null when it can: the rules of
 * `sanitizeComponent`, stated as checks (tests hold every generated path to them, and the pipeline
 * may assert them before an upload).
 */
export function componentProblem(name: string): string | null {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return `is "${name}"`;
  if (name.length > MAX_COMPONENT_UNITS) return `is ${name.length} UTF-16 units long (at most 255)`;
  if (name !== name.toWellFormed()) return 'contains an unpaired surrogate (invalid UTF-8)';
  if (new RegExp(FORBIDDEN.source).test(name)) return 'contains / \\ < > : " | ? or *';
  if (new RegExp(CONTROL.source, 'u').test(name)) return 'contains a control character';
  if (/^\s|\s$/.test(name)) return 'starts or ends with whitespace';
  if (name.endsWith('.')) return 'ends with a dot';
  if (DISALLOWED_NAMES.has(name.toLowerCase())) return 'is a name Dropbox refuses';
  if (WINDOWS_RESERVED.test(name)) return 'is a device name Windows reserves';
  return null;
}

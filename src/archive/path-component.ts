import type { NameRules } from '../destinations/types.ts';

/**
 * One component of a path in the destination (a folder or file name), made safe for the
 * destination itself (its declared NameRules: length, refused names) and for the Windows and macOS
 * desktops the archive is synced or copied to. Names come from outside (company names, extension
 * names, caller names chosen by whoever calls), so every component of every path we write passes
 * through `sanitizeComponent`.
 */

/** The longest name, in the units of the default rules: UTF-16 code units, as JavaScript counts. */
export const MAX_COMPONENT_UNITS = 255;

/**
 * The rules when no destination says otherwise (the settings page's examples, the tests): 255
 * UTF-16 units, letter case ignored, and only the archiver's own refusals below.
 */
export const DEFAULT_NAME_RULES: NameRules = {
  maxLength: MAX_COMPONENT_UNITS,
  lengthUnit: 'utf16',
  caseInsensitive: true,
  refusedNames: [],
};

/** Never a name anywhere (`/`, `\`) or accepted but unsyncable on Windows (`< > : " | ? *`). */
const FORBIDDEN = /[/\\<>:"|?*]/g;
/** C0 and C1 control characters and DEL, U+0000–U+001F and U+007F–U+009F (file systems lose NUL and DEL; Windows refuses all). */
const CONTROL = /\p{Cc}/gu;
/**
 * Bidirectional overrides and isolates, zero-width spaces and marks, and the BOM: a caller name
 * could use them to disguise a file name (a reversed extension). ZWJ stays: emoji need it.
 */
const INVISIBLE_FORMATTING = /[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/**
 * Names desktops keep for their own folder metadata (Windows, macOS), compared case-insensitively:
 * never archive content under them, whatever the destination. A destination adds its own refusals.
 */
const DESKTOP_METADATA_NAMES = new Set(['desktop.ini', 'thumbs.db', '.ds_store', 'icon\r']);

/** Windows device names, reserved with or without an extension or trailing spaces (`CON`, `com1 .txt`). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?=\s*(?:\.|$))/i;

/** A short alphanumeric extension that truncation keeps (`.mp3`, `.json`). */
const FILE_EXTENSION = /\.[A-Za-z0-9]{1,16}$/;

/** What stands for a name that sanitizes to nothing. */
const EMPTY_NAME = '_';

const TRUNCATION_MARK = '…';

/**
 * A name the destination stores as given and every desktop can sync: forbidden and control
 * characters replaced, whitespace collapsed, no leading or trailing space, no trailing dot, no
 * leading dot (it would hide the item on macOS and Linux), never empty, never a reserved or
 * refused name, NFC-normalized (so the same visible name is always the same folder), and at most
 * the destination's length, cut at a character boundary with a file extension kept.
 * Idempotent: sanitizing a sanitized name returns it unchanged.
 */
export function sanitizeComponent(text: string, rules: NameRules = DEFAULT_NAME_RULES): string {
  const name = stripTrailingDotsAndSpaces(cleanCharacters(text).trim()).replace(/^\./, '_');
  // Reserved names first: the fix adds a unit, and cutting to length never makes a reserved name.
  return name === '' ? EMPTY_NAME : fitLength(avoidReservedNames(name, rules), rules);
}

/** How long a name is in the unit a destination counts. */
export function nameLength(text: string, unit: NameRules['lengthUnit']): number {
  return unit === 'utf16' ? text.length : Buffer.byteLength(text, 'utf8');
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

/** Control characters other than tab, line feed and carriage return (which pages show as space). */
const CONTROL_BUT_WHITESPACE = /(?![\t\n\r])\p{Cc}/gu;

/**
 * Text from outside as a page shows it: the invisible formatting above (bidirectional overrides
 * and isolates, U+200E/U+200F marks, zero-width characters) and control characters removed, so a
 * company or extension name cannot reverse or hide the text around it in a heading. Whitespace and
 * everything visible stay as they are (the pages' own layout relies on them).
 */
export function displayText(text: string): string {
  return text.toWellFormed().replace(INVISIBLE_FORMATTING, '').replace(CONTROL_BUT_WHITESPACE, '');
}

function stripTrailingDotsAndSpaces(name: string): string {
  return name.replace(/[.\s]+$/, '');
}

/** Cuts a long name at the end of its stem, keeping any file extension and marking the cut. */
function fitLength(name: string, rules: NameRules): string {
  const unit = rules.lengthUnit;
  if (nameLength(name, unit) <= rules.maxLength) return name;
  const extension = FILE_EXTENSION.exec(name)?.[0] ?? '';
  const stem = name.slice(0, name.length - extension.length);
  const room = rules.maxLength - nameLength(extension, unit) - nameLength(TRUNCATION_MARK, unit);
  return `${stripTrailingDotsAndSpaces(truncateUnits(stem, room, unit))}${TRUNCATION_MARK}${extension}`;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The longest prefix of `text` of at most `maxUnits` units (UTF-16 code units, or UTF-8 bytes)
 * that ends on a grapheme boundary: never half a character, never an emoji without its modifier or
 * a letter without its accent.
 */
export function truncateUnits(
  text: string,
  maxUnits: number,
  unit: NameRules['lengthUnit'] = 'utf16',
): string {
  if (nameLength(text, unit) <= maxUnits) return text;
  let end = 0;
  let length = 0;
  for (const { segment } of graphemes.segment(text)) {
    length += nameLength(segment, unit);
    if (length > maxUnits) break;
    end += segment.length;
  }
  return text.slice(0, end);
}

const isRefused = (name: string, rules: NameRules): boolean => {
  const lower = name.toLowerCase();
  return DESKTOP_METADATA_NAMES.has(lower) || rules.refusedNames.includes(lower);
};

function avoidReservedNames(name: string, rules: NameRules): string {
  if (isRefused(name, rules)) return `${EMPTY_NAME}${name}`;
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
export function componentProblem(name: string, rules: NameRules = DEFAULT_NAME_RULES): string | null {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return `is "${name}"`;
  const length = nameLength(name, rules.lengthUnit);
  if (length > rules.maxLength) {
    const unit = rules.lengthUnit === 'utf16' ? 'UTF-16 units' : 'UTF-8 bytes';
    return `is ${length} ${unit} long (at most ${rules.maxLength})`;
  }
  if (name !== name.toWellFormed()) return 'contains an unpaired surrogate (invalid UTF-8)';
  if (new RegExp(FORBIDDEN.source).test(name)) return 'contains / \\ < > : " | ? or *';
  if (new RegExp(CONTROL.source, 'u').test(name)) return 'contains a control character';
  if (/^\s|\s$/.test(name)) return 'starts or ends with whitespace';
  if (name.endsWith('.')) return 'ends with a dot';
  if (isRefused(name, rules)) return 'is a name the destination or desktops refuse';
  if (WINDOWS_RESERVED.test(name)) return 'is a device name Windows reserves';
  return null;
}

import fc from 'fast-check';

/**
 * Text an attacker or an unlucky admin could put in a company, extension or caller name: every
 * character class Dropbox or Windows rejects, reserved names, emoji sequences, lone surrogates and
 * names far past 255 units, alone and glued together.
 */
const FRAGMENTS = [
  '',
  ' ',
  '.',
  '..',
  '...',
  '/',
  '\\',
  '<>:"|?*',
  'CON',
  'con.txt',
  'LPT1',
  'aux ',
  'desktop.ini',
  'Thumbs.db',
  '.DS_Store',
  'Icon\r',
  '.dropbox',
  '.dropbox.attr',
  'name. ',
  ' trailing ',
  '\t\n\r',
  '\u0000\u007f\u0085',
  '\u202egpj.exe',
  '\ufeff',
  '\ud800',
  '\udc00x',
  '😀',
  '👨‍👩‍👧‍👦',
  '🇩🇪',
  'é',
  'e\u0301',
  '山田太郎',
  'Zoë Ñúñez',
  '%',
  '-',
  '_',
  '{id}',
  'x'.repeat(300),
  '😀'.repeat(140),
];

/**
 * Any code point, lone surrogates included, weighted towards ASCII and its control characters.
 * (fast-check's own "binary" unit does the same but spends seconds building tables on first use.)
 */
export const anyCharacter: fc.Arbitrary<string> = fc
  .oneof(
    { arbitrary: fc.integer({ min: 0, max: 0x7f }), weight: 3 },
    { arbitrary: fc.integer({ min: 0x80, max: 0xffff }), weight: 2 },
    { arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }), weight: 1 },
  )
  .map((codePoint) => String.fromCodePoint(codePoint));

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...FRAGMENTS),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 6 }).map((parts) => parts.join('')),
  fc.string({ unit: anyCharacter, maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
);

/**
 * Dropbox's and Windows' rules for one path component, written from Dropbox's documented path rules independently of the sanitizer: returns what is wrong, or null.
 */
export function dropboxComponentProblem(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return 'empty or dot name';
  if (name.length > 255) return 'longer than 255 UTF-16 units';
  if (!name.isWellFormed()) return 'unpaired surrogate';
  if (/[/\\<>:"|?*]/.test(name)) return 'forbidden character';
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'control character';
  }
  if (/\s$/u.test(name) || /^\s/u.test(name)) return 'leading or trailing whitespace';
  if (name.endsWith('.')) return 'trailing dot';
  if (/^(desktop\.ini|thumbs\.db|\.ds_store|icon\r|\.dropbox|\.dropbox\.attr)$/i.test(name))
    return 'disallowed name';
  if (/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i.test(name)) return 'Windows device name';
  return null;
}

export function dropboxPathProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'not absolute';
  for (const component of path.slice(1).split('/')) {
    const problem = dropboxComponentProblem(component);
    if (problem) return `${JSON.stringify(component)}: ${problem}`;
  }
  return null;
}

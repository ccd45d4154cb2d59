import { ID_TOKEN_CHARACTER } from './id-token.ts';
import { MAX_COMPONENT_UNITS, componentProblem, nameLength } from './path-component.ts';

/**
 * The folder and file-name templates an admin writes on the settings page: text with `{name}`
 * placeholders, folders separated by `/`. Parsing and validation live together so the settings
 * page and the path builder can never disagree on what a template means. Every problem is reported
 * as a sentence the admin can act on.
 */

/** Every placeholder, with the description the settings page shows. */
export const PLACEHOLDERS = {
  company: 'the company name',
  yyyy: 'year, four digits',
  mm: 'month, 01–12',
  dd: 'day of the month, 01–31',
  hh: 'hour, 00–23',
  min: 'minute, 00–59',
  ss: 'second, 00–59',
  date: 'the date as YYYY-MM-DD',
  time: 'the time as HH-MM-SS',
  extension: 'the extension as "Ext 101 - Jane Doe" ("Company" for calls that belong to no extension)',
  extensionNumber: 'the extension number, such as 101',
  extensionName: 'the extension name, such as Jane Doe',
  type: 'Recordings, Voicemail, Fax, SMS or Calls',
  direction: 'inbound or outbound',
  from: 'the caller or sender: extension number, else phone number, else name',
  to: 'the callee or first recipient ("+15551230000_and_2_more" for group messages)',
  id: 'the RingCentral id of the item; required in the file name template, not allowed in folders',
} as const satisfies Record<string, string>;

export type Placeholder = keyof typeof PLACEHOLDERS;

type TemplatePiece = { kind: 'literal'; text: string } | { kind: 'placeholder'; name: Placeholder };
/** One folder level (or the file name): literal text and placeholders in order. */
export type TemplateSegment = readonly TemplatePiece[];
export type TemplateRole = 'folder' | 'file';

type ParsedTemplate = { ok: true; segments: TemplateSegment[] } | { ok: false; message: string };

const MAX_TEMPLATE_LENGTH = 300;
/**
 * Fixed text allowed in the file name template: with the longest id token (107) and file type
 * (11) it still fits a 255-unit name limit, so the id is never cut off. Counted in UTF-8 bytes, the
 * strictest way a destination counts (never fewer than UTF-16 units), so a template fits them all.
 */
const MAX_FILE_LITERAL_LENGTH = 100;

/** Fixed text as the strictest destination counts it (see MAX_FILE_LITERAL_LENGTH). */
const strictLength = (text: string): number => nameLength(text, 'utf8');

/** "12 characters" or, when UTF-8 counts more, "12 characters (30 bytes in UTF-8)". */
const sizeOf = (text: string): string => {
  const bytes = strictLength(text);
  return text.length === bytes
    ? `${text.length} characters`
    : `${text.length} characters (${bytes} bytes in UTF-8, as some destinations count)`;
};

const PLACEHOLDER_LIST = Object.keys(PLACEHOLDERS)
  .map((name) => `{${name}}`)
  .join(', ');

export function parseTemplate(template: string, role: TemplateRole): ParsedTemplate {
  const what = role === 'folder' ? 'The folder template' : 'The file name template';
  const fail = (problem: string): ParsedTemplate => ({ ok: false, message: `${what} ${problem}` });

  if (template.length > MAX_TEMPLATE_LENGTH) {
    return fail(
      `is ${template.length.toLocaleString('en-US')} characters long; keep it to ${MAX_TEMPLATE_LENGTH} or fewer.`,
    );
  }
  if (template.trim() === '') return fail('is empty; enter one or restore the default.');
  if (role === 'file' && template.includes('/')) {
    return fail('contains "/". A file name cannot contain folders; put folders in the folder template.');
  }
  if (template.startsWith('/')) {
    return fail('starts with "/". Leave it out: the archive always starts at its own folder.');
  }
  const segments: TemplateSegment[] = [];
  for (const raw of template.split('/')) {
    if (raw === '')
      return fail('has an empty folder name (a "/" at the end or two in a row). Remove the extra "/".');
    const parsed = parseSegment(raw);
    if (typeof parsed === 'string') return fail(parsed);
    const problem = literalProblem(raw, parsed);
    if (problem) return fail(problem);
    segments.push(parsed);
  }
  const roleProblem = role === 'folder' ? folderProblem(segments) : fileProblem(segments[0] ?? []);
  return roleProblem ? fail(roleProblem) : { ok: true, segments };
}

/** The placeholders a parsed template uses. */
export function placeholdersIn(segments: readonly TemplateSegment[]): Set<Placeholder> {
  const names = new Set<Placeholder>();
  for (const piece of segments.flat()) if (piece.kind === 'placeholder') names.add(piece.name);
  return names;
}

function parseSegment(raw: string): TemplatePiece[] | string {
  const pieces: TemplatePiece[] = [];
  let rest = raw;
  while (rest !== '') {
    const open = rest.indexOf('{');
    const literal = open === -1 ? rest : rest.slice(0, open);
    if (literal.includes('}')) return 'has a "}" without a matching "{". Placeholders look like {yyyy}.';
    if (literal !== '') pieces.push({ kind: 'literal', text: literal });
    if (open === -1) break;
    const close = rest.indexOf('}', open);
    const nextOpen = rest.indexOf('{', open + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      return 'has a "{" without a matching "}". Placeholders look like {yyyy}.';
    }
    const name = rest.slice(open + 1, close);
    if (!Object.hasOwn(PLACEHOLDERS, name)) {
      const shown = name.length > 30 ? `${name.slice(0, 30)}…` : name;
      return `uses {${shown}}, which is not a placeholder. Use any of: ${PLACEHOLDER_LIST}.`;
    }
    pieces.push({ kind: 'placeholder', name: name as Placeholder });
    rest = rest.slice(close + 1);
  }
  return pieces;
}

/** Problems with the fixed text of one segment (`raw` is the segment as typed). */
function literalProblem(raw: string, pieces: TemplatePiece[]): string | null {
  const literal = pieces.map((piece) => (piece.kind === 'literal' ? piece.text : '')).join('');
  const bad = /[\\<>:"|?*]/.exec(literal);
  if (bad)
    return `contains "${bad[0]}", which Windows and some destinations cannot use in a name. Use "-" or "_" instead.`;
  if (/\p{Cc}/u.test(literal)) {
    return 'contains a control character (such as a tab or line break). Remove it.';
  }
  if (strictLength(literal) > MAX_COMPONENT_UNITS) {
    return `has a name with ${sizeOf(literal)} of fixed text; names may be ${MAX_COMPONENT_UNITS} long.`;
  }
  if (raw === '.' || raw === '..') return `has a folder named "${raw}"; give every folder a real name.`;
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (first?.kind === 'literal' && first.text.startsWith('.')) {
    return `has a name starting with "." ("${raw}"), which hides it on macOS and Linux.`;
  }
  if (
    (first?.kind === 'literal' && /^\s/.test(first.text)) ||
    (last?.kind === 'literal' && /\s$/.test(last.text))
  ) {
    return `has a name that starts or ends with a space ("${raw}"). Remove the space.`;
  }
  if (last?.kind === 'literal' && last.text.endsWith('.')) {
    return `has a name ending in "." ("${raw}"), which Windows cannot sync. Remove the dot.`;
  }
  if (pieces.every((piece) => piece.kind === 'literal') && componentProblem(raw)) {
    return `uses "${raw}" as a name, which Windows, macOS or the destination reserves. Choose another name.`;
  }
  return null;
}

function folderProblem(segments: TemplateSegment[]): string | null {
  if (placeholdersIn(segments).has('id')) {
    return 'uses {id}. The id belongs in the file name template; each folder holds many items.';
  }
  return null;
}

/**
 * The file name must identify its item: `{id}` exactly once, after every other placeholder, with a
 * separator before it. Then the id token (which never contains a separator) always ends where the
 * fixed text after it begins, so two items can never share a name (see id-token.ts).
 */
function fileProblem(pieces: TemplateSegment): string | null {
  const idAt = pieces.findIndex((piece) => piece.kind === 'placeholder' && piece.name === 'id');
  if (idAt === -1) return 'must contain {id}, so that two items can never get the same file name.';
  if (pieces.findLastIndex((piece) => piece.kind === 'placeholder' && piece.name === 'id') !== idAt) {
    return 'uses {id} more than once; once is enough.';
  }
  const after = pieces.slice(idAt + 1).find((piece) => piece.kind === 'placeholder');
  if (after?.kind === 'placeholder') {
    return `has {${after.name}} after {id}. Put {id} after every other placeholder (fixed text may follow it).`;
  }
  const before = pieces[idAt - 1];
  if (before && (before.kind === 'placeholder' || ID_TOKEN_CHARACTER.test(before.text.slice(-1)))) {
    return 'needs a separator such as "_" or a space right before {id}, so the id cannot run into the text before it.';
  }
  const fixed = pieces.map((piece) => (piece.kind === 'literal' ? piece.text : '')).join('');
  if (strictLength(fixed) > MAX_FILE_LITERAL_LENGTH) {
    return `has ${sizeOf(fixed)} of fixed text; keep it to ${MAX_FILE_LITERAL_LENGTH} so the id always fits.`;
  }
  return null;
}

import { decodeTupleToken, encodeTupleToken } from './paging.ts';
import type { SearchEntry } from './types.ts';

/**
 * How both adapters make search fast without any database extension (pg_trgm is not everywhere:
 * managed hosts may refuse CREATE EXTENSION, the embedded database does not load it): each entry
 * carries a set of integer terms, indexed as an array (a GIN index in PostgreSQL, a multikey index
 * in MongoDB), and a query asks for the entries holding all of its terms, then checks the real
 * condition on those few.
 *
 * - A phone number is found from any part of it, in any format: its digits are cut into every run
 *   of three ("16505550000" → 165, 650, 505, ...), and "555-0000" asks for the runs of "5550000";
 *   the candidates are then checked for the whole run of digits.
 * - A name is found from the start of any of its words: "jan" matches "Jane Doe".
 * - Terms are hashed with the tenant's id, so one company's terms never share an index entry with
 *   another's (a hash collision only adds a candidate that the check then drops).
 */

const GRAM = 3;
/** Word prefixes are indexed up to this length; longer query words use this much as their term. */
const MAX_PREFIX = 10;
const MIN_PREFIX = 2;
/** Matches counted per kind at most (beyond it the page says "more than"). */
export const COUNT_LIMIT = 10_000;

const digitsOf = (text: string): string => text.replace(/\D+/g, '');

function wordsOf(text: string): string[] {
  return text
    .toLocaleLowerCase('en-US')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** FNV-1a over the tenant and the term, as a signed 32-bit integer (PostgreSQL's integer). */
function hashTerm(tenantId: string, term: string): number {
  let h = 0x811c9dc5;
  const text = `${tenantId}\u0000${term}`;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

function gramsOf(digits: string): string[] {
  const grams = new Set<string>();
  for (let i = 0; i + GRAM <= digits.length; i += 1) grams.add(digits.slice(i, i + GRAM));
  return [...grams];
}

const numberTerms = (digits: string) =>
  digits.length >= GRAM ? gramsOf(digits).map((g) => `d:${g}`) : [`x:${digits}`];

/** The stored form of the numbers: " 16505550000 101 ", so "%555%" never spans two numbers. */
export const numbersText = (numbers: readonly string[]): string =>
  ` ${numbers.map(digitsOf).filter(Boolean).join(' ')} `;

/** The stored form of the names: " jane doe ", so "% jan%" matches a word's start. */
export const namesText = (names: readonly string[]): string => ` ${names.flatMap(wordsOf).join(' ')} `;

/** The terms an entry is indexed under. */
export function indexTerms(entry: Pick<SearchEntry, 'tenantId' | 'numbers' | 'names'>): number[] {
  const terms = new Set<string>();
  for (const number of entry.numbers) {
    const digits = digitsOf(number);
    if (digits) for (const term of numberTerms(digits)) terms.add(term);
  }
  for (const word of entry.names.flatMap(wordsOf))
    for (let n = MIN_PREFIX; n <= Math.min(word.length, MAX_PREFIX); n += 1)
      terms.add(`w:${word.slice(0, n)}`);
  return [...new Set([...terms].map((t) => hashTerm(entry.tenantId, t)))];
}

/** What a typed query asks for: terms every match holds, then the exact checks. */
interface ParsedText {
  terms: number[];
  /** Runs of digits a match's numbers must contain. */
  digits: string[];
  /** Starts of words a match's names must contain. */
  words: string[];
}

const PHONE_LIKE = /^[\d\s()+.\-/]+$/;

export function parseSearchText(tenantId: string, text: string | undefined): ParsedText | null {
  const trimmed = (text ?? '').trim().slice(0, 200);
  if (!trimmed) return null;
  const digits: string[] = [];
  const words: string[] = [];
  // "+1 (650) 555-0000" is one number; "jane 101" is a name and a number.
  if (PHONE_LIKE.test(trimmed) && digitsOf(trimmed)) digits.push(digitsOf(trimmed));
  else
    for (const word of wordsOf(trimmed)) {
      if (/^\d+$/.test(word)) digits.push(word);
      else words.push(word);
    }
  if (digits.length === 0 && words.length === 0) return null;
  const terms = new Set<string>();
  for (const d of digits) for (const term of numberTerms(d)) terms.add(term);
  for (const w of words) if (w.length >= MIN_PREFIX) terms.add(`w:${w.slice(0, MAX_PREFIX)}`);
  return { terms: [...new Set([...terms].map((t) => hashTerm(tenantId, t)))], digits, words };
}

/** Page tokens of search results: the last entry's (at, kind, sourceId), newest first. */
export const encodeSearchCursor = (entry: Pick<SearchEntry, 'at' | 'kind' | 'sourceId'>): string =>
  encodeTupleToken([entry.at.toISOString(), entry.kind, entry.sourceId]);

export function decodeSearchCursor(
  token: string | null | undefined,
): { at: Date; kind: string; sourceId: string } | null {
  const [at, kind, sourceId] = decodeTupleToken(token, 3) ?? [];
  const date = new Date(at ?? '');
  return kind !== undefined && sourceId !== undefined && !Number.isNaN(date.getTime())
    ? { at: date, kind, sourceId }
    : null;
}

import { describe, expect, it } from 'vitest';
import { folderDeltas, foldersHolding, normalizeFolder, parentFolder } from '../../../src/store/folders.ts';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  indexTerms,
  namesText,
  numbersText,
  parseSearchText,
} from '../../../src/store/search-terms.ts';

describe('folders', () => {
  it('knows the folders above a file and the one it is in', () => {
    expect(foldersHolding('/A/B/c.txt')).toEqual(['/A', '/A/B']);
    expect(foldersHolding('/c.txt')).toEqual([]);
    expect(parentFolder('/A/B/c.txt')).toBe('/A/B');
    expect(parentFolder('/c.txt')).toBe('');
    expect(normalizeFolder('/A//B/')).toBe('/A/B');
    expect(normalizeFolder('/')).toBe('');
  });

  it('moves a file’s totals from its old folders to its new ones, in path order', () => {
    expect(folderDeltas(null, { path: '/A/B/c', size: 5 })).toEqual([
      { path: '/A', parent: '', files: 1, bytes: 5 },
      { path: '/A/B', parent: '/A', files: 1, bytes: 5 },
    ]);
    expect(folderDeltas({ path: '/A/B/c', size: 5 }, { path: '/A/C/c', size: 7 })).toEqual([
      { path: '/A', parent: '', files: 0, bytes: 2 },
      { path: '/A/B', parent: '/A', files: -1, bytes: -5 },
      { path: '/A/C', parent: '/A', files: 1, bytes: 7 },
    ]);
    expect(folderDeltas({ path: '/A/c', size: 5 }, { path: '/A/c', size: 5 })).toEqual([]);
    expect(folderDeltas({ path: '/A/c', size: 5 }, null)).toEqual([
      { path: '/A', parent: '', files: -1, bytes: -5 },
    ]);
  });
});

describe('search terms', () => {
  const entry = { tenantId: 't1', numbers: ['+1 (650) 555-0000', '101'], names: ['Jane Doe'] };

  it('finds an entry from any run of three or more digits and from word starts', () => {
    const terms = new Set(indexTerms(entry));
    for (const text of ['+1 (650) 555-0000', '6505550000', '555-0000', '101', 'jan', 'DOE'])
      for (const term of parseSearchText('t1', text)!.terms) expect(terms.has(term), text).toBe(true);
  });

  it('hashes terms with the tenant, so companies never share them', () => {
    const other = new Set(indexTerms({ ...entry, tenantId: 't2' }));
    expect(indexTerms(entry).some((term) => other.has(term))).toBe(false);
  });

  it('reads a typed query as one number, or as words and numbers', () => {
    expect(parseSearchText('t', '+1 (650) 555-0000')).toMatchObject({ digits: ['16505550000'], words: [] });
    expect(parseSearchText('t', 'Jane 101')).toMatchObject({ digits: ['101'], words: ['jane'] });
    expect(parseSearchText('t', '  ')).toBeNull();
    expect(parseSearchText('t', '--')).toBeNull();
  });

  it('stores numbers and names so a match never spans two of them', () => {
    expect(numbersText(['+1 650', '101'])).toBe(' 1650 101 ');
    expect(namesText(['Jane Doe', 'Zoë'])).toBe(' jane doe zoë ');
  });

  it('pages with opaque tokens and reads a damaged token as the start', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(decodeSearchCursor(encodeSearchCursor({ at, kind: 'call', sourceId: 'x' }))).toEqual({
      at,
      kind: 'call',
      sourceId: 'x',
    });
    expect(decodeSearchCursor('not a token')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../../src/sandbox/dropbox/errors.ts';
import { componentProblem, lowerPath, parsePath, type PathKind } from '../../../src/sandbox/dropbox/paths.ts';

const site = { route: 'files/upload', where: 'HTTP header "Dropbox-API-Arg"' };

function badInputText(raw: string, kind: PathKind, route = site.route): string {
  try {
    parsePath(raw, kind, { ...site, route });
  } catch (error) {
    if (error instanceof ApiFailure && typeof error.reply.body === 'string') return error.reply.body;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('parsePath', () => {
  it('splits absolute paths into components and keys them case-insensitively', () => {
    const parsed = parsePath('/Acme/2026/Calls.CSV', 'writeOrId', site);
    expect(parsed).toEqual({
      ref: { kind: 'path', components: ['Acme', '2026', 'Calls.CSV'] },
      problem: null,
    });
    expect(lowerPath(['Acme', 'Calls.CSV'])).toBe('/acme/calls.csv');
  });

  it('reads ids, id-relative paths, namespaces and revs', () => {
    expect(parsePath('id:abc', 'writeOrId', site).ref).toEqual({ kind: 'id', id: 'id:abc', components: [] });
    expect(parsePath('id:abc/x/y.txt', 'read', site).ref).toEqual({
      kind: 'id',
      id: 'id:abc',
      components: ['x', 'y.txt'],
    });
    expect(parsePath('ns:123/a', 'write', site).ref).toEqual({ kind: 'ns', ns: '123', components: ['a'] });
    expect(parsePath('rev:0123456789ab', 'read', site).ref).toEqual({ kind: 'rev', rev: '0123456789ab' });
    expect(parsePath('', 'list', site).ref).toEqual({ kind: 'root' });
  });

  it('answers the root written as "/" with the message Dropbox gives for each kind of route', () => {
    expect(badInputText('/', 'writeOrId')).toBe(
      'Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": path: The root folder is unsupported.',
    );
    expect(badInputText('/', 'list', 'files/list_folder')).toContain(
      'path: Specify the root folder as an empty string rather than as "/".',
    );
    expect(badInputText('', 'read', 'files/get_metadata')).toContain('path: The root folder is unsupported.');
  });

  it('quotes the Stone pattern when a path does not match it', () => {
    expect(badInputText('relative', 'write')).toBe(
      String.raw`Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": path: 'relative' did not match pattern '(/(.|[\r\n])*)|(ns:[0-9]+(/(.|[\r\n])*)?)'`,
    );
    // id: paths are not write paths for create_folder (WritePath has no id form).
    expect(badInputText('id:abc', 'write')).toContain('did not match pattern');
    expect(badInputText('rev:xyz', 'read')).toContain('did not match pattern');
  });
});

describe('componentProblem', () => {
  it.each([
    [['a', ''], 'a trailing slash'],
    [['', 'a'], 'an empty component'],
    [['a '], 'trailing whitespace'],
    [['a\t'], 'a trailing tab'],
    [['.'], 'a dot'],
    [['..'], 'two dots'],
    [['a\\b'], 'a backslash'],
    [['a\u0000b'], 'NUL'],
    [['a\u007fb'], 'DEL'],
    [['x'.repeat(256)], '256 UTF-16 units'],
    [['😀'.repeat(128)], '128 emoji (256 units)'],
  ])('finds %j malformed (%s)', (components) => {
    expect(componentProblem(components, false)).toBe('malformed_path');
  });

  it('accepts 255 units, inner spaces, trailing dots and Windows-unfriendly characters', () => {
    expect(componentProblem(['x'.repeat(255), 'a b', 'name.', 'a<b>:c|d?*'], true)).toBeNull();
    expect(componentProblem(['😀'.repeat(127)], true)).toBeNull();
  });

  it('refuses the desktop client’s names for writes only, whatever their case', () => {
    for (const name of ['desktop.ini', 'THUMBS.DB', '.ds_store', 'Icon\r', '.dropbox', '.Dropbox.Attr']) {
      expect(componentProblem(['dir', name], true)).toBe('disallowed_name');
      expect(componentProblem(['dir', name], false)).not.toBe('disallowed_name');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { ArgReader } from '../../../src/sandbox/dropbox/args.ts';
import { ApiFailure } from '../../../src/sandbox/dropbox/errors.ts';

const reader = new ArgReader({ route: 'files/upload', where: 'HTTP header "Dropbox-API-Arg"' });

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiFailure && typeof error.reply.body === 'string') return error.reply.body;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('ArgReader', () => {
  const modes = { void: ['add', 'overwrite'], valued: ['update'] };

  it('accepts union members as shorthand strings and as tagged objects', () => {
    expect(reader.union({ mode: 'add' }, 'mode', modes).tag).toBe('add');
    expect(reader.union({ mode: { '.tag': 'overwrite' } }, 'mode', modes).tag).toBe('overwrite');
    expect(reader.union({ mode: { '.tag': 'update', update: 'abc123def' } }, 'mode', modes).value).toEqual({
      '.tag': 'update',
      update: 'abc123def',
    });
    expect(reader.union({}, 'mode', modes, 'add').tag).toBe('add');
  });

  it('refuses shorthand for a member that carries a value, and unknown tags', () => {
    expect(message(() => reader.union({ mode: 'update' }, 'mode', modes))).toBe(
      `Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": mode: tag 'update' requires a value`,
    );
    expect(message(() => reader.union({ mode: { '.tag': 'merge' } }, 'mode', modes))).toContain(
      "mode: unknown tag 'merge'",
    );
  });

  it('names the field and the wrong type', () => {
    expect(message(() => reader.string({ path: 5 }, 'path'))).toContain('path: expected string, got integer');
    expect(message(() => reader.string({}, 'path'))).toContain(
      `Dropbox-API-Arg": missing required field 'path'`,
    );
    expect(message(() => reader.integer({ offset: -1 }, 'offset', { min: 0 }, 'cursor.'))).toContain(
      'cursor.offset: -1 is less than 0',
    );
    expect(message(() => reader.contentHash({ content_hash: 'abc' }))).toContain('content_hash:');
  });
});

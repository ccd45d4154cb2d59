import { describe, expect, it } from 'vitest';
import { parseEntryName, parseMailboxFile } from '../../../src/archive/sources/export-layout.ts';

describe('parseEntryName', () => {
  it('finds mailbox files and attachment files', () => {
    expect(parseEntryName('account/37439510/extension/62/message-store.json')).toEqual({
      kind: 'mailbox',
      extensionId: '62',
    });
    expect(
      parseEntryName('account/37439510/extension/62/message-store/content/402406985008/402406985009.mp3'),
    ).toEqual({
      kind: 'attachment',
      extensionId: '62',
      messageId: '402406985008',
      attachmentId: '402406985009',
    });
  });

  it('tolerates a leading folder and a missing file extension', () => {
    expect(parseEntryName('export-7/account/1/extension/2/message-store/content/3/4')).toMatchObject({
      kind: 'attachment',
      messageId: '3',
      attachmentId: '4',
    });
  });

  it('ignores anything else', () => {
    expect(parseEntryName('README.txt')).toEqual({ kind: 'other' });
    expect(parseEntryName('account/1/extension/2/')).toEqual({ kind: 'other' });
  });
});

describe('parseMailboxFile', () => {
  it('reads {"records": […]} and a bare array', () => {
    expect(parseMailboxFile('{"records":[{"id":1}]}', 'x.json')).toEqual([{ id: 1 }]);
    expect(parseMailboxFile('[{"id":2}]', 'x.json')).toEqual([{ id: 2 }]);
  });

  it('says when the file is unreadable or laid out differently', () => {
    expect(() => parseMailboxFile('{"rec', 'a.json')).toThrow(/a\.json is not valid JSON/);
    expect(() => parseMailboxFile('{"messages":[]}', 'b.json')).toThrow(/layout differs/);
  });
});

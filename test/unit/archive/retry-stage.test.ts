import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { itemFromOutstanding, type Downloader } from '../../../src/archive/retry-stage.ts';
import { downloadDescriptor, jsonDescriptor, outstandingItem } from '../../support/builders/outstanding.ts';

const signal = new AbortController().signal;

/** A media host that serves `contentType` and remembers what was asked of it. */
function mediaHost(contentType: string) {
  const asked: string[] = [];
  const download: Downloader = (uri) => {
    asked.push(uri);
    return Promise.resolve({ body: Readable.from([Buffer.from('bytes')]), size: 5, contentType });
  };
  return { download, asked };
}

describe('an item tried again from its outstanding row', () => {
  it('downloads a recording again from the URI the row remembers, its extension from the content type', async () => {
    const host = mediaHost('audio/wav');
    const row = outstandingItem();
    const item = itemFromOutstanding(row, host.download)!;
    expect(item).toMatchObject({
      kind: 'recording',
      sourceId: row.sourceId,
      attachmentId: row.attachmentId,
      path: row.descriptor.path,
      day: row.descriptor.day,
      at: row.descriptor.at,
      mode: 'add',
      size: null,
    });
    expect(host.asked).toEqual([]);
    const opened = await item.open(signal);
    expect(host.asked).toEqual([row.descriptor.uri]);
    expect(opened).toMatchObject({ size: 5, fileExtension: 'wav' });
  });

  it("rewrites a record's JSON in place from the copy the row keeps, without calling RingCentral", async () => {
    const host = mediaHost('application/json');
    const json = { id: 'call-1', result: 'Accepted' };
    const row = outstandingItem({
      kind: 'call',
      attachmentId: '',
      descriptor: jsonDescriptor(json, { modified: '2026-11-26T10:00:00.000Z' }),
    });
    const item = itemFromOutstanding(row, host.download)!;
    expect(item).toMatchObject({ kind: 'call', mode: 'overwrite' });
    expect(item.sourceModifiedAt).toEqual(new Date('2026-11-26T10:00:00.000Z'));
    const opened = await item.open(signal);
    expect(JSON.parse((opened.body as Buffer).toString('utf8'))).toEqual(json);
    expect(host.asked).toEqual([]);
  });

  it('keeps the stated size of an attachment and leaves a fax its own file extension', async () => {
    const host = mediaHost('application/pdf');
    const row = outstandingItem({ kind: 'fax', descriptor: downloadDescriptor({ size: 2048 }) });
    const item = itemFromOutstanding(row, host.download)!;
    expect(item.size).toBe(2048);
    expect((await item.open(signal)).fileExtension).toBeUndefined();
  });

  it('leaves rows it cannot rebuild for later: an unknown kind, no path, no way to the bytes', () => {
    const { download } = mediaHost('audio/mpeg');
    expect(itemFromOutstanding(outstandingItem({ kind: 'video' }), download)).toBeNull();
    expect(
      itemFromOutstanding(outstandingItem({ descriptor: downloadDescriptor({ path: null }) }), download),
    ).toBeNull();
    expect(
      itemFromOutstanding(outstandingItem({ descriptor: downloadDescriptor({ source: 'ftp' }) }), download),
    ).toBeNull();
    expect(
      itemFromOutstanding(outstandingItem({ descriptor: downloadDescriptor({ uri: 42 }) }), download),
    ).toBeNull();
  });
});

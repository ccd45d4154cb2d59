import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CallRow,
  type ManifestRow,
  type SmsRow,
  callRowFromRecord,
  callRowKey,
  callsCsv,
  defuseFormula,
  manifestCsv,
  manifestRowKey,
  mergeRows,
  smsCsv,
  smsRowFromMessage,
  smsRowKey,
} from '../../../src/archive/report-csv.ts';
import { anyCharacter } from './hostile-text.ts';

const BOM = '\ufeff';

/** A strict RFC 4180 reader (records end in CRLF, quoted cells may hold anything): the test's own. */
function readCsv(text: string): string[][] {
  expect(text.startsWith(BOM)).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let inQuotes = false;
  let justClosed = false;
  for (let i = 1; i < text.length; i++) {
    const char = text[i] ?? '';
    if (inQuotes) {
      if (char !== '"') cell += char;
      else if (text[i + 1] === '"') cell += text[++i];
      else [inQuotes, justClosed] = [false, true];
      continue;
    }
    if (char === ',' || text.startsWith('\r\n', i)) {
      row.push(cell);
      [cell, justClosed] = ['', false];
      if (char === ',') continue;
      rows.push(row);
      row = [];
      i++;
    } else if (justClosed || /[\r\n"]/.test(char)) {
      if (char !== '"' || cell !== '') throw new Error(`unexpected ${JSON.stringify(char)} at ${i}`);
      inQuotes = true;
    } else {
      cell += char;
    }
  }
  expect([inQuotes, cell, row]).toEqual([false, '', []]);
  return rows;
}

/** The Simple-view record from the RingCentral docs (CallLogRecord), with the fields we read. */
const docRecord = {
  uri: 'https://platform.ringcentral.com/restapi/v1.0/account/1/call-log/VgLcd1KWffJVzUA?view=Simple',
  id: 'VgLcd1KWffJVzUA',
  sessionId: '1039811321016',
  startTime: '2023-04-10T23:58:47.594Z',
  duration: 194,
  durationMs: 194060,
  type: 'Voice',
  internalType: 'TollFreeNumber',
  direction: 'Inbound',
  action: 'Phone Call',
  result: 'Accepted',
  to: { phoneNumber: '+15625555778', name: 'SDK Engineer Candidate' },
  from: { phoneNumber: '+14155555908', name: 'SAN FRANCSCO CA', location: 'San Francisco (South), CA' },
  recording: {
    id: '1662272004',
    type: 'OnDemand',
    uri: 'https://x',
    contentUri: 'https://media.example/1662272004/content',
  },
  extension: { id: '62264425004' },
  lastModifiedTime: '2023-04-11T00:06:42.028Z',
};

/** The SMS from the message-store docs (GetMessageInfoResponse), to two recipients and with an MMS picture. */
const docSms = {
  id: 6424569004,
  to: [{ phoneNumber: '+13125559821' }, { phoneNumber: '+13125559822', name: 'Zoë Ñúñez' }],
  from: { phoneNumber: '+16505558379', location: 'San Mateo, CA' },
  type: 'SMS',
  creationTime: '2019-05-22T17:07:28Z',
  direction: 'Inbound',
  subject: 'Test SMS using a RingCentral Developer account - Hello World',
  conversationId: 8031152018338945000, // what JSON.parse makes of 8031152018338945839
  conversation: {
    id: '8031152018338945839',
    uri: 'https://platform.ringcentral.com/restapi/v1.0/conversation/8031152018338945839',
  },
  attachments: [{ type: 'Text' }, { type: 'MmsAttachment' }],
};

const callRow = (changes: Partial<CallRow> = {}): CallRow => ({
  ...callRowFromRecord(docRecord, {
    extension: { number: '101', name: 'Jane Doe' },
    recordingPath: '/Acme Inc/2023/2023-04/2023-04-10/Ext 101 - Jane Doe/Recordings/x_1662272004.mp3',
  }),
  ...changes,
});

const smsRow = (changes: Partial<SmsRow> = {}): SmsRow => ({
  ...smsRowFromMessage(docSms, {
    extension: null,
    attachmentPaths: ['/A/SMS/a_6424569004-0.txt', '/A/SMS/a_6424569004-1.jpg'],
  }),
  ...changes,
});

describe('rows from RingCentral records', () => {
  it('maps a call-log record', () => {
    expect(callRow()).toEqual({
      callId: 'VgLcd1KWffJVzUA',
      start: '2023-04-10T23:58:47.594Z',
      durationSeconds: 194,
      direction: 'Inbound',
      from: '+14155555908 (SAN FRANCSCO CA)',
      to: '+15625555778 (SDK Engineer Candidate)',
      extension: '101 - Jane Doe',
      result: 'Accepted',
      type: 'Voice',
      recordingPath: '/Acme Inc/2023/2023-04/2023-04-10/Ext 101 - Jane Doe/Recordings/x_1662272004.mp3',
    });
  });

  it('maps a call with parties known only by extension, and no recording', () => {
    const row = callRowFromRecord(
      {
        id: 'X',
        startTime: '2026-11-26T09:03:05-05:00',
        type: 'Fax',
        direction: 'Outbound',
        from: { extensionNumber: '101' },
        to: { name: 'Front desk' },
      },
      { extension: null, recordingPath: null },
    );
    expect(row).toMatchObject({
      start: '2026-11-26T14:03:05.000Z',
      durationSeconds: null,
      from: 'ext. 101',
      to: 'Front desk',
      extension: '',
      result: '',
      recordingPath: '',
    });
  });

  it('maps an SMS, keeping the conversation id exact and calling a message with pictures MMS', () => {
    expect(smsRow()).toEqual({
      messageId: '6424569004',
      conversationId: '8031152018338945839',
      time: '2019-05-22T17:07:28.000Z',
      direction: 'Inbound',
      from: '+16505558379',
      to: '+13125559821; +13125559822 (Zoë Ñúñez)',
      extension: '',
      type: 'MMS',
      text: 'Test SMS using a RingCentral Developer account - Hello World',
      attachmentPaths: ['/A/SMS/a_6424569004-0.txt', '/A/SMS/a_6424569004-1.jpg'],
    });
    const pager = smsRowFromMessage(
      { ...docSms, type: 'Pager', attachments: [], conversation: null },
      { extension: { number: '102', name: null }, attachmentPaths: [] },
    );
    expect(pager).toMatchObject({ type: 'Pager', conversationId: '', extension: '102' });
  });

  it('refuses a time without a zone rather than guessing one', () => {
    expect(() =>
      callRowFromRecord(
        { ...docRecord, startTime: '2023-04-10 23:58' },
        { extension: null, recordingPath: null },
      ),
    ).toThrow(/not an ISO 8601/);
  });
});

describe('calls.csv', () => {
  it('is UTF-8 with a BOM, CRLF line ends and a header', () => {
    expect(callsCsv([callRow()])).toBe(
      `${BOM}Start (UTC),Duration (s),Direction,From,To,Extension,Result,Type,Recording,Call ID\r\n` +
        `2023-04-10T23:58:47.594Z,194,Inbound,'+14155555908 (SAN FRANCSCO CA),'+15625555778 (SDK Engineer Candidate),101 - Jane Doe,Accepted,Voice,/Acme Inc/2023/2023-04/2023-04-10/Ext 101 - Jane Doe/Recordings/x_1662272004.mp3,VgLcd1KWffJVzUA\r\n`,
    );
  });

  it('has only the header for a day without calls', () => {
    expect(readCsv(callsCsv([]))).toEqual([
      [
        'Start (UTC)',
        'Duration (s)',
        'Direction',
        'From',
        'To',
        'Extension',
        'Result',
        'Type',
        'Recording',
        'Call ID',
      ],
    ]);
  });

  it('sorts by start then id, whatever order the rows come in', () => {
    const rows = [
      callRow({ callId: 'b', start: '2026-11-26T10:00:00.000Z' }),
      callRow({ callId: 'a', start: '2026-11-26T10:00:00.000Z' }),
      callRow({ callId: 'c', start: '2026-11-26T09:00:00.000Z' }),
    ];
    const ids = (text: string) =>
      readCsv(text)
        .slice(1)
        .map((cells) => cells[9]);
    expect(ids(callsCsv(rows))).toEqual(['c', 'a', 'b']);
    expect(callsCsv([...rows].reverse())).toBe(callsCsv(rows));
  });
});

describe('sms.csv', () => {
  it('keeps commas, quotes and line breaks inside the text cell', () => {
    const text = 'Hi, "boss"\nsee you at 5,\r\nok?\rbye';
    const csv = smsCsv([smsRow({ text })]);
    expect(csv).toContain('"Hi, ""boss""\nsee you at 5,\r\nok?\rbye"');
    const [header, row] = readCsv(csv);
    expect(header).toEqual([
      'Time (UTC)',
      'Direction',
      'From',
      'To',
      'Extension',
      'Type',
      'Text',
      'Attachments',
      'Message ID',
      'Conversation ID',
    ]);
    expect(row?.[6]).toBe(text);
    expect(row?.[7]).toBe('/A/SMS/a_6424569004-0.txt | /A/SMS/a_6424569004-1.jpg');
    expect(row?.[9]).toBe('8031152018338945839');
  });

  it('writes non-ASCII names and text as they are', () => {
    const [, row] = readCsv(
      smsCsv([smsRow({ from: '+4930123 (Jürgen Groß)', text: '山田さん、こんにちは 👋🏽' })]),
    );
    expect(row?.[2]).toBe("'+4930123 (Jürgen Groß)");
    expect(row?.[6]).toBe('山田さん、こんにちは 👋🏽');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const texts = [
      '=HYPERLINK("http://evil","click")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      'a=b',
      ' =not at start',
    ];
    const cells = readCsv(smsCsv(texts.map((text, i) => smsRow({ messageId: String(i), text }))))
      .slice(1)
      .map((cells) => cells[6]);
    expect(cells).toEqual([
      `'=HYPERLINK("http://evil","click")`,
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\t=1",
      "'\r=1",
      'a=b',
      ' =not at start',
    ]);
  });

  it('round-trips any text through a strict RFC 4180 reader', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: anyCharacter, maxLength: 60 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        (text, name) => {
          const [, row] = readCsv(smsCsv([smsRow({ text, from: name })]));
          expect(row?.[6]).toBe(defuseFormula(text));
          expect(row?.[2]).toBe(defuseFormula(name));
          expect(row).toHaveLength(10);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('manifest.csv', () => {
  const entry = (changes: Partial<ManifestRow> = {}): ManifestRow => ({
    kind: 'recording',
    sourceId: '1662272004',
    attachmentId: '1662272004',
    path: '/Acme Inc/2026/2026-11/2026-11-26/Ext 101 - Jane Doe/Recordings/a_1662272004.mp3',
    size: 1_048_576,
    sha256: 'a'.repeat(64),
    remoteHash: { algorithm: 'dropbox-content-hash', value: 'b'.repeat(64) },
    sourceModifiedAt: new Date('2026-11-26T14:10:00Z'),
    archivedAt: new Date('2026-11-26T15:00:00.123Z'),
    ...changes,
  });

  it('lists every file with its hashes, in path order as Dropbox compares paths', () => {
    const rows = readCsv(
      manifestCsv([
        entry({ path: '/b/x.mp3' }),
        entry({ path: '/B/w.json', kind: 'call', sourceId: 'IVW', attachmentId: '', sourceModifiedAt: null }),
        entry({ path: '/a/z.pdf' }),
      ]),
    );
    expect(rows).toEqual([
      [
        'path',
        'size',
        'sha256',
        'remote_hash_algorithm',
        'remote_hash',
        'kind',
        'source_id',
        'attachment_id',
        'source_last_modified',
        'archived_at',
      ],
      [
        '/a/z.pdf',
        '1048576',
        'a'.repeat(64),
        'dropbox-content-hash',
        'b'.repeat(64),
        'recording',
        '1662272004',
        '1662272004',
        '2026-11-26T14:10:00.000Z',
        '2026-11-26T15:00:00.123Z',
      ],
      [
        '/B/w.json',
        '1048576',
        'a'.repeat(64),
        'dropbox-content-hash',
        'b'.repeat(64),
        'call',
        'IVW',
        '',
        '',
        '2026-11-26T15:00:00.123Z',
      ],
      [
        '/b/x.mp3',
        '1048576',
        'a'.repeat(64),
        'dropbox-content-hash',
        'b'.repeat(64),
        'recording',
        '1662272004',
        '1662272004',
        '2026-11-26T14:10:00.000Z',
        '2026-11-26T15:00:00.123Z',
      ],
    ]);
  });

  it('keys a row by kind, source and attachment', () => {
    expect(manifestRowKey(entry())).not.toBe(manifestRowKey(entry({ attachmentId: '' })));
    expect(manifestRowKey(entry({ sourceId: 'a', attachmentId: 'b' }))).not.toBe(
      manifestRowKey(entry({ sourceId: 'ab', attachmentId: '' })),
    );
  });
});

describe('mergeRows', () => {
  it('keeps one row per key, the later one winning, sorted by key', () => {
    const merged = mergeRows(
      [callRow({ callId: 'b', result: 'In Progress' }), callRow({ callId: 'a' })],
      [
        callRow({ callId: 'c' }),
        callRow({ callId: 'b', result: 'Accepted' }),
        callRow({ callId: 'b', result: 'Missed' }),
      ],
      callRowKey,
    );
    expect(merged.map((row) => [row.callId, row.result])).toEqual([
      ['a', 'Accepted'],
      ['b', 'Missed'],
      ['c', 'Accepted'],
    ]);
  });

  it('gives the same file whatever batches and order the rows arrive in', () => {
    // Few distinct times, so the id has to break ties.
    const rows = fc
      .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 20 })
      .map((ids) =>
        ids.map((messageId, i) => smsRow({ messageId, time: `2026-11-26T10:00:0${i % 3}.000Z` })),
      );
    const arrivals = rows.chain((all) =>
      fc.tuple(
        fc.constant(all),
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.nat({ max: all.length }),
      ),
    );
    fc.assert(
      fc.property(arrivals, ([all, shuffled, cut]) => {
        const inBatches = mergeRows(
          mergeRows([], shuffled.slice(0, cut), smsRowKey),
          shuffled.slice(cut),
          smsRowKey,
        );
        expect(inBatches).toEqual(mergeRows([], all, smsRowKey));
        expect(smsCsv(shuffled)).toBe(smsCsv(all));
      }),
      { numRuns: 200 },
    );
  });
});

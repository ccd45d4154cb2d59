import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PathItem,
  type PathSettings,
  dailyReportPaths,
  dayFolder,
  localDay,
  renderItemPath,
  sanitizeComponent,
} from '../../../src/archive/paths.ts';
import { componentProblem } from '../../../src/archive/path-component.ts';
import { parseTemplate } from '../../../src/archive/template.ts';
import { dropboxComponentProblem, dropboxPathProblem, hostileText } from './hostile-text.ts';

/** The default layout (the settings tests check that it is the default). */
const settings: PathSettings = {
  folderTemplate: '{company}/{yyyy}/{yyyy}-{mm}/{yyyy}-{mm}-{dd}/{extension}/{type}',
  fileTemplate: '{date}T{time}Z_{direction}_{from}_to_{to}_{id}',
  timezone: 'America/New_York',
};

const recording: PathItem = {
  company: 'Acme Inc',
  kind: 'recording',
  timestamp: '2026-11-26T14:03:05.594Z',
  extension: { id: '62264425004', number: '101', name: 'Jane Doe' },
  direction: 'Inbound',
  from: { phoneNumber: '+15551230000', name: 'SAN FRANCISCO CA' },
  to: [{ phoneNumber: '+15625555778', extensionNumber: '101', name: 'Jane Doe' }],
  id: '1662272004',
  fileExtension: 'mp3',
};

const kinds = fc.constantFrom<PathItem['kind']>('recording', 'voicemail', 'fax', 'sms', 'mms', 'call');
const party = fc.record({
  phoneNumber: fc.option(hostileText),
  extensionNumber: fc.option(hostileText),
  name: fc.option(hostileText),
});
const timestamps = fc
  .date({
    min: new Date('1990-01-01T00:00:00Z'),
    max: new Date('2090-12-31T23:59:59Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString());
const timezones = fc.constantFrom(
  'UTC',
  'America/New_York',
  'Asia/Kolkata',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Australia/Lord_Howe',
);
const items = fc.record({
  company: hostileText,
  kind: kinds,
  timestamp: timestamps,
  extension: fc.option(
    fc.record({
      id: fc.stringMatching(/^\d{1,12}$/),
      number: fc.option(hostileText),
      name: fc.option(hostileText),
    }),
  ),
  direction: fc.option(hostileText),
  from: fc.option(party),
  to: fc.array(party, { maxLength: 3 }),
  id: hostileText.filter((id) => id !== ''),
  attachmentIndex: fc.option(fc.nat({ max: 20 })),
  fileExtension: fc.constantFrom('mp3', 'pdf', 'json', 'txt', 'WAV', '', 'a.b/c'),
});

/** Ids Dropbox cannot tell apart: it ignores letter case (our id encoding keeps other text apart). */
const dropboxItemKey = (item: PathItem) =>
  `${item.id.replace(/[A-Z]/g, (c) => c.toLowerCase())}#${item.attachmentIndex ?? ''}`;

const sameFolder = (fields: Partial<PathItem>): PathItem => ({ ...recording, ...fields });

describe('sanitizeComponent', () => {
  it.each([
    ['Acme Inc', 'Acme Inc'],
    ['a/b\\c', 'a_b_c'],
    ['<>:"|?*', '_______'],
    ['tab\tnew\nline\r', 'tab new line'],
    ['  many    spaces  ', 'many spaces'],
    ['name. . ', 'name'],
    ['..', '_'],
    ['.', '_'],
    ['', '_'],
    ['   ', '_'],
    ['.hidden', '_hidden'],
    ['CON', 'CON_'],
    ['con.txt', 'con_.txt'],
    ['Lpt1 .log', 'Lpt1_ .log'],
    ['CONSOLE', 'CONSOLE'],
    ['desktop.ini', '_desktop.ini'],
    ['Thumbs.DB', '_Thumbs.DB'],
    ['.DS_Store', '_DS_Store'],
    ['Icon\r', 'Icon'],
    ['.dropbox.attr', '_dropbox.attr'],
    ['evil\u202Egpj.exe', 'evilgpj.exe'],
    ['Cafe\u0301', 'Café'],
    ['\ud800x', '\ufffdx'],
    ['Zoë 山田 😀', 'Zoë 山田 😀'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeComponent(input)).toBe(expected);
  });

  it('cuts long names to 255 UTF-16 units, marking the cut and keeping the file extension', () => {
    const name = sanitizeComponent(`${'a'.repeat(300)}.mp3`);
    expect(name).toHaveLength(255);
    expect(name.endsWith('….mp3')).toBe(true);
    expect(sanitizeComponent('b'.repeat(400))).toBe(`${'b'.repeat(254)}…`);
    expect(sanitizeComponent(`con.txt${'x'.repeat(300)}`)).toBe(`con_.txt${'x'.repeat(246)}…`);
  });

  it('never splits an emoji when cutting', () => {
    const family = '👨‍👩‍👧‍👦'; // 11 UTF-16 units, one grapheme
    const name = sanitizeComponent(family.repeat(30));
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name).toBe(`${family.repeat(23)}…`);
  });

  it('always gives a valid, stable name, whatever the input', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const name = sanitizeComponent(text);
        expect(dropboxComponentProblem(name)).toBeNull();
        expect(componentProblem(name)).toBeNull();
        expect(sanitizeComponent(name)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });
});

describe('renderItemPath', () => {
  it('files a recording as the design describes', () => {
    expect(renderItemPath(settings, recording)).toBe(
      '/Acme Inc/2026/2026-11/2026-11-26/Ext 101 - Jane Doe/Recordings/2026-11-26T14-03-05Z_inbound_+15551230000_to_101_1662272004.mp3',
    );
  });

  it('names folders by the tenant’s day and files by UTC', () => {
    // 02:30 UTC on the 27th is 21:30 on the 26th in New York.
    const path = renderItemPath(settings, { ...recording, timestamp: '2026-11-27T02:30:00Z' });
    expect(path).toMatch(/^\/Acme Inc\/2026\/2026-11\/2026-11-26\/.*\/2026-11-27T02-30-00Z_/);
    const utc = renderItemPath(
      { ...settings, timezone: 'UTC' },
      { ...recording, timestamp: '2026-11-27T02:30:00Z' },
    );
    expect(utc).toMatch(/^\/Acme Inc\/2026\/2026-11\/2026-11-27\//);
  });

  it('keeps a record’s JSON next to its binary with the same base name', () => {
    const binary = renderItemPath(settings, recording);
    const json = renderItemPath(settings, { ...recording, fileExtension: 'json' });
    expect(json).toBe(binary.replace(/\.mp3$/, '.json'));
  });

  it('files company-level calls under "Company" and Calls', () => {
    const path = renderItemPath(settings, {
      ...recording,
      kind: 'call',
      extension: null,
      id: 'IVWtSyis720zMEA',
      fileExtension: 'json',
    });
    expect(path).toBe(
      '/Acme Inc/2026/2026-11/2026-11-26/Company/Calls/2026-11-26T14-03-05Z_inbound_+15551230000_to_101_IVWtSyis720zMEA.json',
    );
  });

  it('names each kind’s type folder', () => {
    const folderOf = (kind: PathItem['kind']) =>
      renderItemPath(settings, { ...recording, kind }).split('/')[6];
    expect(
      ['recording', 'voicemail', 'fax', 'sms', 'mms', 'call'].map((k) => folderOf(k as PathItem['kind'])),
    ).toEqual(['Recordings', 'Voicemail', 'Fax', 'SMS', 'SMS', 'Calls']);
  });

  it('numbers a message’s attachments and summarises group recipients', () => {
    const mms: PathItem = {
      ...recording,
      kind: 'mms',
      id: '6424569004',
      direction: 'Outbound',
      from: { phoneNumber: '+16505558379' },
      to: [{ phoneNumber: '+13125559821' }, { phoneNumber: '+13125559822' }, { name: 'Bob' }],
      attachmentIndex: 2,
      fileExtension: 'JPEG',
    };
    expect(renderItemPath(settings, mms).split('/').at(-1)).toBe(
      '2026-11-26T14-03-05Z_outbound_+16505558379_to_+13125559821_and_2_more_6424569004-2.jpeg',
    );
  });

  it('falls back for missing parties, direction and file type', () => {
    const name = renderItemPath(settings, {
      ...recording,
      direction: null,
      from: null,
      to: [],
      fileExtension: '../',
    });
    expect(name.split('/').at(-1)).toBe('2026-11-26T14-03-05Z_unknown_unknown_to_unknown_1662272004.bin');
  });

  it('names an extension without a name or number by what it has', () => {
    const folderFor = (extension: PathItem['extension']) =>
      renderItemPath(settings, { ...recording, extension }).split('/')[5];
    expect(folderFor({ id: '7', number: '102', name: null })).toBe('Ext 102');
    expect(folderFor({ id: '7', number: null, name: 'Lobby' })).toBe('Ext 7 - Lobby');
  });

  it('shortens long names but never the id', () => {
    const long: PathSettings = { ...settings, fileTemplate: '{extensionName}_{from}_{type}_{id}' };
    const path = renderItemPath(long, {
      ...recording,
      extension: { id: '1', number: '101', name: '😀'.repeat(200) },
      from: { name: 'N'.repeat(300) },
    });
    const name = path.split('/').at(-1) ?? '';
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name.endsWith('_Recordings_1662272004.mp3')).toBe(true);
    expect(dropboxPathProblem(path)).toBeNull();
  });

  it('fits names to a destination that counts UTF-8 bytes, never cutting the id', () => {
    const bytes: PathSettings = {
      ...settings,
      fileTemplate: `${'記'.repeat(32)}_{extensionName}_{id}`,
      names: { maxLength: 255, lengthUnit: 'utf8', caseInsensitive: false, refusedNames: [] },
    };
    const path = renderItemPath(bytes, {
      ...recording,
      company: '山田商事'.repeat(30),
      extension: { id: '1', number: '101', name: '😀'.repeat(200) },
    });
    const components = path.split('/').slice(1);
    for (const c of components) {
      expect(Buffer.byteLength(c, 'utf8')).toBeLessThanOrEqual(255);
      expect(componentProblem(c, bytes.names)).toBeNull();
      expect(sanitizeComponent(c, bytes.names)).toBe(c);
    }
    expect(components[0]!.endsWith('…')).toBe(true);
    expect(components.at(-1)!.endsWith('_1662272004.mp3')).toBe(true);
    // The same text under UTF-16 rules keeps more of the name (an emoji is 2 units, 4 bytes).
    const units = renderItemPath(
      { ...bytes, names: undefined },
      { ...recording, company: '山田商事'.repeat(30) },
    );
    expect(units.split('/')[1]!.length).toBeGreaterThan(components[0]!.length);
  });

  it('applies the names a destination refuses on top of its own', () => {
    const rules = {
      maxLength: 255,
      lengthUnit: 'utf16' as const,
      caseInsensitive: true,
      refusedNames: ['archive'],
    };
    expect(sanitizeComponent('Archive', rules)).toBe('_Archive');
    expect(sanitizeComponent('Archive')).toBe('Archive');
    expect(sanitizeComponent('desktop.ini', rules)).toBe('_desktop.ini');
    expect(componentProblem('ARCHIVE', rules)).toMatch(/refuse/);
  });

  it('refuses timestamps without a zone and invalid templates, saying why', () => {
    expect(() => renderItemPath(settings, { ...recording, timestamp: '2026-11-26T14:03:05' })).toThrow(
      /with a zone/,
    );
    expect(() => renderItemPath(settings, { ...recording, timestamp: 'yesterday' })).toThrow(
      /not an ISO 8601/,
    );
    expect(() => renderItemPath({ ...settings, fileTemplate: '{date}' }, recording)).toThrow(
      /must contain \{id\}/,
    );
  });

  it('always gives a valid, deterministic path, whatever the names', () => {
    fc.assert(
      fc.property(items, timezones, (item, timezone) => {
        const path = renderItemPath({ ...settings, timezone }, item);
        expect(dropboxPathProblem(path)).toBeNull();
        expect(renderItemPath({ ...settings, timezone }, structuredClone(item))).toBe(path);
      }),
      { numRuns: 400 },
    );
  });

  it('never gives two different ids the same path (compared as Dropbox does, ignoring case)', () => {
    const path = (item: PathItem) => renderItemPath(settings, item).toLowerCase();
    expect(path(sameFolder({ to: [{ extensionNumber: 'a_b' }], id: 'c' }))).not.toBe(
      path(sameFolder({ to: [{ extensionNumber: 'a' }], id: 'b_c' })),
    );
    fc.assert(
      fc.property(items, items, (a, b) => {
        fc.pre(dropboxItemKey(a) !== dropboxItemKey(b));
        expect(path(a)).not.toBe(path(b));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps ids apart under every file template the settings accept (exhaustive over tricky texts)', () => {
    // Short ids, recipients and attachment numbers built from separators and digits: exactly where
    // a sloppy encoding collides ("a_1" + "1" against "a" + "1_1", id "1" + attachment 11 against "11" + 1).
    const texts = ['1', '11', 'a', '_', '-', '1_1', 'a-1', '%31'];
    const templates = ['', '{to}', 'x{to}_', '{from}{to}']
      .flatMap((head) => ['', '_', '-', ' ', '.', '1'].map((separator) => `${head}${separator}{id}`))
      .flatMap((start) => ['', '_{to}', '-1', '.1'].map((tail) => `${start}${tail}`))
      .filter((template) => parseTemplate(template, 'file').ok);
    expect(templates).toContain('x{to}__{id}');
    expect(templates).not.toContain('{to}{id}');
    expect(templates).not.toContain('{to}_{id}_{to}');
    for (const fileTemplate of templates) {
      const seen = new Map<string, string>();
      for (const id of texts) {
        for (const to of texts) {
          for (const attachmentIndex of [null, 1, 11]) {
            const item = sameFolder({ id, to: [{ extensionNumber: to }], attachmentIndex });
            const path = renderItemPath({ ...settings, timezone: 'UTC', fileTemplate }, item).toLowerCase();
            const key = dropboxItemKey(item);
            const clash = seen.get(path);
            if (clash !== undefined && clash !== key) {
              expect.fail(`${fileTemplate}: ${clash} and ${key} share ${path}`);
            }
            seen.set(path, key);
          }
        }
      }
    }
  });
});

describe('daily report paths', () => {
  it('puts the reports in the day folder of the default layout', () => {
    expect(dailyReportPaths(settings, 'Acme Inc', '2026-11-26')).toEqual({
      folder: '/Acme Inc/2026/2026-11/2026-11-26',
      calls: '/Acme Inc/2026/2026-11/2026-11-26/calls.csv',
      sms: '/Acme Inc/2026/2026-11/2026-11-26/sms.csv',
      manifest: '/Acme Inc/2026/2026-11/2026-11-26/manifest.csv',
    });
  });

  it.each([
    ['{company}/{date}/{extension}/{type}', '/Acme_Inc/2026-11-26'],
    ['Archive/{yyyy}-{mm}-{dd}/{company}/{type}', '/Archive/2026-11-26'],
    ['{company}/{yyyy}/{mm}/{dd}/{hh}/{type}', '/Acme_Inc/2026/11/26'],
    ['{company}/{extension}/{type}', '/Acme_Inc/Daily reports/2026-11-26'],
    ['{company}/{yyyy}/{mm}/{extension}/{type}', '/Acme_Inc/2026/11/Daily reports/2026-11-26'],
    ['{extension}/{yyyy}-{mm}-{dd}/{type}', '/Daily reports/2026-11-26'],
  ])('for %s the day folder is %s', (folderTemplate, expected) => {
    expect(dayFolder({ ...settings, folderTemplate }, 'Acme:Inc', '2026-11-26')).toBe(expected);
  });

  it('is the folder an item of that day is filed under', () => {
    fc.assert(
      fc.property(items, timezones, (item, timezone) => {
        const zoned = { ...settings, timezone };
        const folder = dayFolder(zoned, item.company, localDay(item.timestamp, timezone));
        expect(renderItemPath(zoned, item).startsWith(`${folder}/`)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a day that does not exist', () => {
    expect(() => dayFolder(settings, 'Acme', '2026-02-30')).toThrow(/YYYY-MM-DD/);
  });
});

describe('localDay', () => {
  it.each([
    ['2026-11-26T14:03:05Z', 'UTC', '2026-11-26'],
    ['2026-11-27T04:59:59Z', 'America/New_York', '2026-11-26'],
    ['2026-11-27T05:00:00Z', 'America/New_York', '2026-11-27'],
    ['2026-03-08T06:59:59Z', 'America/New_York', '2026-03-08'], // 01:59:59 EST, just before the change
    ['2026-11-01T04:30:00Z', 'America/New_York', '2026-11-01'], // 00:30 EDT, the repeated night
    ['2026-11-26T10:00:00Z', 'Pacific/Kiritimati', '2026-11-27'], // UTC+14
    ['2026-11-26T10:00:00Z', 'Pacific/Pago_Pago', '2026-11-25'], // UTC−11
    ['2026-11-26T23:00:00-05:00', 'UTC', '2026-11-27'],
    ['2026-11-26T00:00:00.000Z', 'Europe/London', '2026-11-26'],
  ])('%s in %s is %s', (timestamp, timezone, day) => {
    expect(localDay(timestamp, timezone)).toBe(day);
  });
});

import { describe, expect, it } from 'vitest';
import {
  archivesKind,
  DATA_KINDS,
  DATA_TOGGLES,
  dataKind,
  isItemKind,
  ITEM_KINDS,
  kindLabel,
} from '../../../src/archive/kinds/registry.ts';
import { itemValues } from '../../../src/archive/path-values.ts';
import { messageKind } from '../../../src/archive/streams/messages/kinds.ts';
import { fmt } from '../../../src/web/format.ts';
import { DEFAULT_SETTINGS, parseSettings, validateSettingsForm } from '../../../src/tenants/settings.ts';

/** The one list of data kinds, and the places that read it. */
describe('data kinds registry', () => {
  it('gives every kind a unique id and label, and every item kind a setting and a folder', () => {
    const ids = DATA_KINDS.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(DATA_KINDS.map((k) => k.label)).size).toBe(ids.length);
    const toggles = new Set<string>(DATA_TOGGLES.map((t) => t.key));
    for (const kind of ITEM_KINDS) {
      expect(toggles.has(kind.toggle), kind.id).toBe(true);
      expect(kind.folder, kind.id).toMatch(/^[A-Z][A-Za-z ]+$/);
    }
    // Every setting archives something, and only the daily reports are written regardless.
    for (const toggle of toggles)
      expect(
        ITEM_KINDS.some((k) => k.toggle === toggle),
        toggle,
      ).toBe(true);
    expect(DATA_KINDS.filter((k) => k.toggle === null).map((k) => k.id)).toEqual(['report']);
    expect(isItemKind('report')).toBe(false);
    expect(isItemKind('recording')).toBe(true);
    expect(isItemKind('video')).toBe(false);
  });

  it('feeds the settings schema: one switch per setting, each on by default', () => {
    expect(Object.keys(DEFAULT_SETTINGS.dataTypes).sort()).toEqual(DATA_TOGGLES.map((t) => t.key).sort());
    expect(Object.values(DEFAULT_SETTINGS.dataTypes).every(Boolean)).toBe(true);
    // The form sends a field per setting; a missing field is an unticked box.
    const form = { fax: 'on', sms: 'on', folderTemplate: '{company}/{type}' };
    const result = validateSettingsForm(form);
    expect(result.ok && result.settings.dataTypes).toEqual({
      callLog: false,
      recordings: false,
      voicemail: false,
      fax: true,
      sms: true,
    });
  });

  it('decides which kinds the settings archive (MMS go with SMS)', () => {
    const { dataTypes } = parseSettings({ dataTypes: { sms: false, recordings: false } });
    expect(ITEM_KINDS.filter((k) => archivesKind(dataTypes, k.id)).map((k) => k.id)).toEqual([
      'call',
      'voicemail',
      'fax',
    ]);
  });

  it('names the {type} folder and the pages’ labels from the registry', () => {
    const at = { yyyy: '2026', mm: '01', dd: '02', hh: '03', min: '04', ss: '05' };
    const item = (kind: (typeof ITEM_KINDS)[number]['id']) =>
      itemValues(
        {
          company: 'Co',
          kind,
          timestamp: '',
          extension: null,
          direction: null,
          from: null,
          to: [],
          id: '1',
          fileExtension: 'json',
        },
        at,
        '1',
      ).type;
    expect(ITEM_KINDS.map((k) => item(k.id))).toEqual([
      'Calls',
      'Recordings',
      'Voicemail',
      'Fax',
      'SMS',
      'SMS',
    ]);
    expect(fmt.kind('recording')).toBe('Call recordings');
    expect(fmt.kind('report')).toBe(dataKind('report').label);
    // A kind written by a newer version is shown by its id rather than hidden.
    expect(kindLabel('video')).toBe('video');
  });

  it('tells message kinds apart by RingCentral type and attachments', () => {
    expect(messageKind('VoiceMail', ['AudioRecording', 'AudioTranscription'])).toBe('voicemail');
    expect(messageKind('Fax', ['RenderedDocument'])).toBe('fax');
    expect(messageKind('SMS', ['Text'])).toBe('sms');
    expect(messageKind('SMS', ['Text', 'MmsAttachment'])).toBe('mms');
    expect(messageKind('Pager', ['Text'])).toBe('sms');
    expect(messageKind(undefined, [])).toBeNull();
  });
});

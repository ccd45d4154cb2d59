import { describe, expect, it } from 'vitest';
import type { Extension } from '../../../src/archive/sources/records.ts';
import { mailboxFilter, streamChange, telephonyFilter, wantedFilters } from '../../../src/push/filters.ts';
import { tenantSettings } from '../../support/builders/settings.ts';
import {
  verificationHash,
  verificationMatches,
  newVerificationToken,
} from '../../../src/push/verification.ts';

const ext = (id: string, hasMailbox = true): Extension => ({
  id,
  extensionNumber: id,
  type: hasMailbox ? 'User' : 'IvrMenu',
  hasMailbox,
});

describe('wantedFilters', () => {
  const extensions = [ext('11'), ext('12'), ext('13', false), ext('14')];

  it('watches every archived mailbox, and the account’s call ends when the app may', () => {
    const settings = tenantSettings();
    expect(wantedFilters({ accountId: '9', settings, extensions, telephony: false })).toEqual(
      ['11', '12', '14'].map((id) => mailboxFilter('9', id)),
    );
    expect(wantedFilters({ accountId: '9', settings, extensions, telephony: true })).toContain(
      telephonyFilter('9'),
    );
  });

  it('follows the settings: chosen extensions, and no mailbox filters when no message kind is archived', () => {
    const only = tenantSettings({ extensions: { mode: 'include', ids: ['12'] } });
    expect(wantedFilters({ accountId: '9', settings: only, extensions, telephony: false })).toEqual([
      mailboxFilter('9', '12'),
    ]);
    const callsOnly = tenantSettings({ dataTypes: { voicemail: false, fax: false, sms: false } });
    expect(wantedFilters({ accountId: '9', settings: callsOnly, extensions, telephony: true })).toEqual([
      telephonyFilter('9'),
    ]);
    expect(wantedFilters({ accountId: '9', settings: callsOnly, extensions, telephony: false })).toEqual([]);
  });
});

describe('streamChange', () => {
  it('names the mailbox of a message-store event of this account only', () => {
    expect(streamChange('9', mailboxFilter('9', '12'), {})).toEqual({
      stream: 'mailbox:12',
      since: null,
      awaiting: [],
    });
    expect(streamChange('9', `${mailboxFilter('9', '12')}?type=SMS`, {})?.stream).toBe('mailbox:12');
    expect(streamChange('9', mailboxFilter('8', '12'), {})).toBeNull();
    expect(streamChange('9', '/restapi/v1.0/account/9/presence', {})).toBeNull();
  });

  it('turns an ended call into the call log, from the call’s start, awaiting its recordings', () => {
    const body = {
      eventTime: '2026-03-01T10:00:00.000Z',
      parties: [
        { status: { code: 'Disconnected' }, recordings: [{ id: 'r1' }, { id: 'r1' }, { id: '' }] },
        { status: { code: 'Disconnected' }, recordings: [{ id: 'r2' }] },
      ],
    };
    expect(streamChange('9', telephonyFilter('9'), body)).toEqual({
      stream: 'calllog',
      since: new Date('2026-03-01T10:00:00.000Z'),
      awaiting: ['r1', 'r2'],
    });
    // A call still going, or a body that is not what the spec says, changes nothing.
    expect(
      streamChange('9', telephonyFilter('9'), { parties: [{ status: { code: 'Answered' } }] }),
    ).toBeNull();
    expect(streamChange('9', telephonyFilter('9'), { parties: 'x' })).toBeNull();
    expect(streamChange('9', telephonyFilter('9'), null)).toBeNull();
    expect(
      streamChange('9', telephonyFilter('9'), {
        eventTime: 'soon',
        parties: [{ status: { code: 'Disconnected' } }],
      }),
    ).toEqual({ stream: 'calllog', since: null, awaiting: [] });
  });
});

describe('the Verification-Token', () => {
  it('is matched by its hash only, and nothing else matches', () => {
    const token = newVerificationToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const hash = verificationHash(token);
    expect(hash).not.toContain(token);
    expect(verificationMatches(hash, token)).toBe(true);
    for (const wrong of [undefined, '', `${token}x`, token.slice(1), newVerificationToken()])
      expect(verificationMatches(hash, wrong)).toBe(false);
  });
});

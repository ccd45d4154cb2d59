import { describe, expect, it } from 'vitest';
import { withDaysOwed, withDaysSettled } from '../../../src/archive/report-days.ts';

describe('the days owed their report files', () => {
  it('adds the days about to change, sorted, once each', () => {
    expect(withDaysOwed([], ['2026-11-27', '2026-11-26', '2026-11-27'])).toEqual({
      days: ['2026-11-26', '2026-11-27'],
    });
    expect(withDaysOwed(['2026-11-25'], ['2026-11-26'])).toEqual({ days: ['2026-11-25', '2026-11-26'] });
  });

  it('writes nothing when every day was already owed (a rerun of the lookback costs no write)', () => {
    expect(withDaysOwed(['2026-11-25', '2026-11-26'], ['2026-11-26'])).toBeNull();
    expect(withDaysOwed(['2026-11-25'], [])).toBeNull();
  });

  it('settles only the days whose files were written; a day a killed run owed stays owed', () => {
    const owed = ['2026-11-24', '2026-11-25', '2026-11-26'];
    expect(withDaysSettled(owed, ['2026-11-25', '2026-11-26'])).toEqual({ days: ['2026-11-24'] });
    expect(withDaysSettled(owed, ['2026-12-01'])).toBeNull();
    expect(withDaysSettled(owed, owed)).toEqual({ days: [] });
  });
});

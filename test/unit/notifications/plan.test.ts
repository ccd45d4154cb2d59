import { describe, expect, it } from 'vitest';
import {
  type AlertDetails,
  type Assessment,
  type Assessments,
  REMINDER_INTERVAL_MS,
} from '../../../src/notifications/alerts.ts';
import { markUnsent, planNotifications } from '../../../src/notifications/plan.ts';

const HOUR = 3_600_000;
const storage: AlertDetails = { kind: 'storage', used: 9, allocated: 10, free: 1, thresholdBytes: 5 };
const failing: AlertDetails = { kind: 'failing', failedRuns: 3, problem: null };

const unknown: Assessment = { state: 'unknown' };
const assessments = (over: Partial<Assessments> = {}): Assessments => ({
  reconnect: unknown,
  failing: unknown,
  storage: unknown,
  risk: unknown,
  throttled: unknown,
  capped: unknown,
  users: unknown,
  ...over,
});
const active = (details: AlertDetails): Assessment => ({ state: 'active', details });

/** Assesses the same way every hour for `hours` hours; returns every e-mail type sent. */
function simulate(hours: number, assess: (hour: number) => Assessments) {
  let open = {};
  const sent: string[] = [];
  for (let hour = 0; hour < hours; hour += 1) {
    const plan = planNotifications(open, assess(hour), hour * HOUR);
    sent.push(...plan.events.map((e) => `${hour}:${e.type}:${e.kind}`));
    open = plan.open;
  }
  return sent;
}

describe('planning alert e-mails', () => {
  it('sends one e-mail when an alert opens and one when it recovers, nothing in between', () => {
    const sent = simulate(10, (hour) =>
      assessments({ storage: hour < 6 ? active(storage) : { state: 'clear' } }),
    );
    expect(sent).toEqual(['0:opened:storage', '6:recovered:storage']);
  });

  it('reminds at most once a day while an alert stays open', () => {
    const sent = simulate(60, () => assessments({ failing: active(failing) }));
    expect(sent).toEqual(['0:opened:failing', '24:reminder:failing', '48:reminder:failing']);
  });

  it('neither reminds nor recovers while the facts are unknown', () => {
    const sent = simulate(50, (hour) =>
      assessments({ failing: hour === 0 ? active(failing) : hour < 49 ? unknown : { state: 'clear' } }),
    );
    expect(sent).toEqual(['0:opened:failing', '49:recovered:failing']);
  });

  it('keeps alerts apart: each opens and recovers on its own', () => {
    const sent = simulate(4, (hour) =>
      assessments({
        storage: hour < 2 ? active(storage) : { state: 'clear' },
        failing: hour >= 1 && hour < 3 ? active(failing) : { state: 'clear' },
      }),
    );
    expect(sent).toEqual([
      '0:opened:storage',
      '1:opened:failing',
      '2:recovered:storage',
      '3:recovered:failing',
    ]);
  });

  it('carries the latest figures in the open alert without sending', () => {
    const first = planNotifications({}, assessments({ storage: active(storage) }), 0);
    const fuller = { ...storage, free: 0 } as AlertDetails;
    const second = planNotifications(first.open, assessments({ storage: active(fuller) }), HOUR);
    expect(second.events).toEqual([]);
    expect(second.open.storage?.details).toEqual(fuller);
    expect(second.open.storage?.openedAt).toBe(0);
  });

  it('tries an unsent opening again at the next check, and skips the recovery of one never sent', () => {
    const first = planNotifications({}, assessments({ storage: active(storage) }), 0);
    const unsent = markUnsent(first.open, first.events);
    expect(unsent.storage).toMatchObject({ notified: false, lastSentAt: null, openedAt: 0 });
    const retried = planNotifications(unsent, assessments({ storage: active(storage) }), HOUR);
    expect(retried.events.map((e) => e.type)).toEqual(['opened']);
    expect(retried.events[0]?.openedAt).toBe(0);
    const gone = planNotifications(unsent, assessments({ storage: { state: 'clear' } }), HOUR);
    expect(gone.events).toEqual([]);
    expect(gone.open).toEqual({});
  });

  it('tries an unsent reminder again without waiting another day', () => {
    const open = planNotifications({}, assessments({ failing: active(failing) }), 0).open;
    const reminder = planNotifications(open, assessments({ failing: active(failing) }), REMINDER_INTERVAL_MS);
    const unsent = markUnsent(reminder.open, reminder.events);
    expect(unsent.failing).toMatchObject({ notified: true, lastSentAt: null });
    const retried = planNotifications(
      unsent,
      assessments({ failing: active(failing) }),
      REMINDER_INTERVAL_MS + HOUR,
    );
    expect(retried.events.map((e) => e.type)).toEqual(['reminder']);
  });
});

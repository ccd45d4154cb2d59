import {
  ALERT_KINDS,
  type Assessments,
  type NotificationEvent,
  type OpenAlerts,
  REMINDER_INTERVAL_MS,
} from './alerts.ts';

/**
 * Which e-mails an assessment calls for, given the alerts already open: one when an alert opens,
 * at most one reminder a day while it stays on, one when it recovers — never a storm, however
 * often the tenant is assessed. Pure: the notifier saves `open` before it sends `events`.
 */
export function planNotifications(
  open: OpenAlerts,
  assessments: Assessments,
  now: number,
): { events: NotificationEvent[]; open: OpenAlerts } {
  const events: NotificationEvent[] = [];
  const next: OpenAlerts = {};
  for (const kind of ALERT_KINDS) {
    const current = open[kind];
    const assessment = assessments[kind];
    if (assessment.state === 'unknown') {
      if (current) next[kind] = current;
      continue;
    }
    if (assessment.state === 'clear') {
      // Nobody heard of an alert whose first e-mail never went out: its recovery is no news.
      if (current?.notified)
        events.push({ type: 'recovered', kind, details: current.details, openedAt: current.openedAt });
      continue;
    }
    const { details } = assessment;
    if (!current || !current.notified) {
      const openedAt = current?.openedAt ?? now;
      events.push({ type: 'opened', kind, details, openedAt });
      next[kind] = { openedAt, lastSentAt: now, notified: true, details };
    } else if (current.lastSentAt === null || now - current.lastSentAt >= REMINDER_INTERVAL_MS) {
      events.push({ type: 'reminder', kind, details, openedAt: current.openedAt });
      next[kind] = { ...current, lastSentAt: now, details };
    } else {
      next[kind] = { ...current, details };
    }
  }
  return { events, open: next };
}

/**
 * After a send failed: the alert stays open but counts as unsent, so the next assessment tries
 * again instead of waiting a day. Recoveries are not retried (the alert is gone).
 */
export function markUnsent(open: OpenAlerts, failed: readonly NotificationEvent[]): OpenAlerts {
  const next: OpenAlerts = { ...open };
  for (const event of failed) {
    const alert = next[event.kind];
    if (!alert || event.type === 'recovered') continue;
    next[event.kind] = {
      ...alert,
      lastSentAt: null,
      notified: event.type === 'opened' ? false : alert.notified,
    };
  }
  return next;
}

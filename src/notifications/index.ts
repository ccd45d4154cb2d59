import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Store } from '../store/types.ts';
import { createMailer } from './mailer.ts';
import { createNotifier, type Notifier } from './notifier.ts';

export type { Notifier } from './notifier.ts';
export type { AlertKind, OpenAlerts } from './alerts.ts';

/** The hourly job that sends reminders and recoveries no archive run brings (Notifier.sweep). */
export const ALERT_SWEEP_JOB = 'alert-reminders';

/** The notifier for this process, e-mailing over SMTP_URL as MAIL_FROM (or only logging). */
export function notifierFromConfig(
  config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'BASE_URL'>,
  deps: { store: Store; logger: Logger; clock: Clock },
): Notifier {
  const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, logger: deps.logger });
  return createNotifier({ ...deps, mailer, baseUrl: config.BASE_URL });
}

import { createTransport } from 'nodemailer';
import type { Logger } from '../lib/logger.ts';
import type { ComposedMessage } from './messages.ts';

/**
 * Outgoing e-mail over SMTP (SMTP_URL, MAIL_FROM). Without SMTP_URL e-mail is off: messages are
 * logged by subject and recipient count only, and dropped. The URL may hold the SMTP password, so
 * it is never logged, and neither are addresses or bodies.
 */

export interface Mailer {
  /** False when SMTP_URL is unset: nothing is sent. */
  readonly enabled: boolean;
  send(to: readonly string[], message: ComposedMessage): Promise<void>;
  close(): void;
}

interface MailerOptions {
  smtpUrl: string | undefined;
  from: string | undefined;
  logger: Logger;
}

/** A slow or silent mail server must not hold a run or a page for long. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createMailer(options: MailerOptions): Mailer {
  const { logger } = options;
  if (!options.smtpUrl || !options.from) {
    return {
      enabled: false,
      send(to, message) {
        logger.info(
          { recipients: to.length, subject: message.subject },
          'e-mail is off (SMTP_URL is not set); alert not sent',
        );
        return Promise.resolve();
      },
      close() {},
    };
  }
  const transport = createTransport({ url: options.smtpUrl, ...TIMEOUTS });
  const from = options.from;
  return {
    enabled: true,
    async send(to, message) {
      if (to.length === 0) return;
      await transport.sendMail({
        from,
        to: [...to],
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      logger.info({ recipients: to.length, subject: message.subject }, 'e-mail sent');
    },
    close() {
      transport.close();
    },
  };
}

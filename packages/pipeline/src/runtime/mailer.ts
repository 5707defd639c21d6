import { createTransport } from 'nodemailer';
import type { Config } from '@mge/config';
import type { Logger } from '@mge/telemetry';

export interface Email {
  to: string;
  subject: string;
  text: string;
}

/** The design's EmailService: sends over SMTP, or logs that it could not. */
export interface Mailer {
  /**
   * Sends one email; resolves true when the SMTP server accepted it. `purpose` names it in logs,
   * which never hold the body (it may carry a one-time token). Never throws.
   */
  send(email: Email, purpose: string): Promise<boolean>;
  close(): void;
}

/** SMTP from `MGE_SMTP_URL`; without it, every email is logged as not sent. */
export function createMailer(mail: Config['mail'], logger: Logger): Mailer {
  const transport =
    mail.smtpUrl &&
    createTransport({
      url: mail.smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  return {
    async send(email, purpose) {
      const meta = { to: email.to, subject: email.subject, purpose };
      if (!transport) {
        logger.warn({ ...meta, reason: 'MGE_SMTP_URL is not set' }, 'email not sent');
        return false;
      }
      try {
        await transport.sendMail({ from: mail.from, ...email });
        logger.info(meta, 'email sent');
        return true;
      } catch (err) {
        logger.warn({ ...meta, reason: (err as Error).message }, 'email not sent');
        return false;
      }
    },
    close: () => transport && transport.close(),
  };
}

import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './services.js';

export interface TestSmtp {
  /** `smtp://127.0.0.1:PORT`, for `MGE_SMTP_URL`. */
  url: string;
  /** Every message the server accepted, parsed, in arrival order. */
  messages: ParsedMail[];
  /** The first message to `to` (and matching `subject`) not yet taken; waits for it. */
  take(to: string, subject?: RegExp): Promise<ParsedMail>;
  close(): Promise<void>;
}

/** A real SMTP server on a free local port that keeps what it receives (no TLS, no auth). */
export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const taken = new Set<ParsedMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const addressedTo = (mail: ParsedMail, to: string) =>
    [mail.to ?? []].flat().some((a) => a.value.some((v) => v.address === to));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async take(to, subject) {
      const mail = await waitFor(
        () =>
          Promise.resolve(
            messages.find(
              (m) =>
                !taken.has(m) && addressedTo(m, to) && (!subject || subject.test(m.subject ?? '')),
            ),
          ),
        `an email to ${to}${subject ? ` about ${subject}` : ''}`,
      );
      taken.add(mail);
      return mail;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

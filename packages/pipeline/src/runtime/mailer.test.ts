import { Writable } from 'node:stream';
import { createLogger } from '@mge/telemetry';
import { createMailer } from './mailer.js';

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

const email = {
  to: 'someone@example.com',
  subject: 'MGE: reset your password',
  text: 'https://mge.test/reset-password?token=SECRET-TOKEN-123',
};

describe('the mailer', () => {
  it('without MGE_SMTP_URL logs the email as not sent, with the reason and never the body', async () => {
    const { lines, logger } = capturedLogger();
    const mailer = createMailer(
      { smtpUrl: undefined, from: 'MGE <mge@localhost>', publicUrl: 'https://mge.test' },
      logger,
    );
    expect(await mailer.send(email, 'password-reset')).toBe(false);
    const [line] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toMatchObject({
      msg: 'email not sent',
      reason: 'MGE_SMTP_URL is not set',
      to: 'someone@example.com',
      purpose: 'password-reset',
    });
    expect(lines.join('')).not.toContain('SECRET-TOKEN-123');
  });

  it('when the SMTP server cannot be reached, resolves false and logs why', async () => {
    const { lines, logger } = capturedLogger();
    // Port 1 on localhost: nothing listens, the connection is refused at once.
    const mailer = createMailer(
      { smtpUrl: 'smtp://127.0.0.1:1', from: 'MGE <mge@localhost>', publicUrl: 'https://mge.test' },
      logger,
    );
    expect(await mailer.send(email, 'password-reset')).toBe(false);
    mailer.close();
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'email not sent',
      reason: expect.stringContaining('ECONNREFUSED') as unknown,
    });
    expect(lines.join('')).not.toContain('SECRET-TOKEN-123');
  });
});

// A real SMTP server on 127.0.0.1 for tests (smtp-server, the library
// nodemailer's authors maintain): it accepts every message, parses it with
// mailparser and keeps it; stop() ends it. No TLS, no AUTH: loopback only.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  url: string;
  port: number;
  mails: ParsedMail[];
  /** Waits for the nth mail (1-based) to arrive. */
  mail(n: number, timeoutMs?: number): Promise<ParsedMail>;
  stop(): Promise<void>;
}

export async function startTestSmtp(port = 0): Promise<TestSmtp> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    port: bound,
    mails,
    async mail(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (mails.length < n) {
        if (Date.now() > until) throw new Error(`mail ${n} did not arrive (${mails.length} so far)`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return mails[n - 1]!;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

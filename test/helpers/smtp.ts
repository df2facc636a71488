// A real SMTP server on 127.0.0.1 that keeps what arrives, parsed.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type TestSmtp = {
  url: string;
  messages: ParsedMail[];
  /** Resolves with the first letter to `to` (after `after` letters to it) that arrives within the timeout. */
  waitFor(to: string, options?: { after?: number; timeoutMs?: number }): Promise<ParsedMail>;
  to(address: string): ParsedMail[];
  close(): Promise<void>;
};

function recipients(mail: ParsedMail): string[] {
  const list = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return list.flatMap((group) => group.value.map((a) => (a.address ?? '').toLowerCase()));
}

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          waiters.splice(0).forEach((wake) => wake());
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  const smtp: TestSmtp = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => recipients(m).includes(address.toLowerCase())),
    async waitFor(to, { after = 0, timeoutMs = 5000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = smtp.to(to);
        if (found.length > after) return found[after];
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`No letter to ${to} within ${timeoutMs} ms (have ${found.length})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return smtp;
}

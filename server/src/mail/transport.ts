import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  /** Extra headers (List-Unsubscribe and List-Unsubscribe-Post on notification mail). */
  headers?: Record<string, string>;
}

/** Where mail goes: SMTP (nodemailer) when SMTP_URL is set, else files a self-hoster can open. */
export interface MailTransport {
  readonly description: string;
  send(mail: OutgoingMail): Promise<void>;
}

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    description: `SMTP ${new URL(url).host}`,
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.id}@gatehouse>`,
        ...(mail.headers ? { headers: mail.headers } : {}),
      });
    },
  };
}

/**
 * Without SMTP, each mail becomes an RFC 5322 .eml file (mode 0600: it may hold a reset link) under the
 * data directory; `pnpm gatehouse mail` lists them, so an invitation or reset can still be finished.
 */
export function fileTransport(dir: string, from: string): MailTransport {
  return {
    description: `files in ${dir}`,
    async send(mail) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // nodemailer's stream transport renders the message exactly as SMTP would send it.
      const render = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      const info = await render.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.id}@gatehouse>`,
        ...(mail.headers ? { headers: mail.headers } : {}),
      });
      await writeFile(path.join(dir, `${mail.id}.eml`), info.message as Buffer, { mode: 0o600 });
    },
  };
}

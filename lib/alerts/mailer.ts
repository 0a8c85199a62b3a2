// E-mail for notifications (SPEC §4: "sent by e-mail when SMTP is configured"). With SMTP_URL set
// (smtp://user:pass@host:587, or smtps:// for TLS from the first byte) messages go out through that
// server with nodemailer, from SMTP_FROM; without it nothing is e-mailed and notifications stay in
// the console. Tests may install another transport with setMailer().
import nodemailer from "nodemailer";
import { env } from "../env";

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/** A mailer over an SMTP server. Rejects when the server refuses the message or cannot be reached. */
export function smtpMailer(url: string, from: string): Mailer {
  // Timeouts keep a dead server from holding up the alerts job: the notification is then
  // un-claimed and retried on the next run.
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

let configured: Mailer | null = null;
let fromEnv: { url: string; mailer: Mailer } | null = null;

/** Install a transport (tests). `null` restores the default. */
export function setMailer(mailer: Mailer | null): void {
  configured = mailer;
}

/** The mailer to use, or null when e-mail is off (no SMTP_URL and none installed). */
export function currentMailer(): Mailer | null {
  if (configured) return configured;
  const { SMTP_URL, SMTP_FROM } = env();
  if (!SMTP_URL) return null;
  if (fromEnv?.url !== SMTP_URL) fromEnv = { url: SMTP_URL, mailer: smtpMailer(SMTP_URL, SMTP_FROM) };
  return fromEnv.mailer;
}

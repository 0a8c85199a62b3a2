// E-mail for notifications (SPEC §4: "sent by e-mail when SMTP is configured"). No SMTP client is
// installed, so sending goes through this interface: with SMTP_URL set the default implementation
// logs each message it would send (recipient, subject); a real transport (e.g. nodemailer) plugs
// in with setMailer() without touching callers. Without SMTP_URL nothing is e-mailed.
import { env } from "../env";
import { log } from "../log";

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

export const loggingMailer: Mailer = {
  async send(message) {
    log.info("e-mail (logging mailer: no SMTP transport installed)", { to: message.to, subject: message.subject });
  },
};

let configured: Mailer | null = null;

/** Install a transport (tests, or a real SMTP client). `null` restores the default. */
export function setMailer(mailer: Mailer | null): void {
  configured = mailer;
}

/** The mailer to use, or null when e-mail is off (no SMTP_URL and none installed). */
export function currentMailer(): Mailer | null {
  if (configured) return configured;
  return env().SMTP_URL ? loggingMailer : null;
}

// Outbox delivery: notifications are stored inside money transactions; e-mail goes out afterwards
// from here (the alerts job), to the account's owners. Each notification is claimed by setting
// emailedAt with a conditional UPDATE before sending, so several instances never send one twice;
// a failed send un-claims it for the next run. Only recent notifications are sent (turning SMTP on
// does not mail a backlog).
import { db } from "../db";
import { errorSummary, log } from "../log";
import { currentMailer, type Mailer } from "./mailer";

const MAX_AGE_MS = 24 * 60 * 60_000;

export async function deliverPendingEmails(
  opts: { mailer?: Mailer | null; now?: Date; limit?: number } = {},
): Promise<{ sent: number; failed: number }> {
  const mailer = opts.mailer === undefined ? currentMailer() : opts.mailer;
  if (!mailer) return { sent: 0, failed: 0 };
  const now = opts.now ?? new Date();
  const pending = await db().notification.findMany({
    where: { emailedAt: null, createdAt: { gte: new Date(now.getTime() - MAX_AGE_MS) } },
    orderBy: { createdAt: "asc" },
    take: opts.limit ?? 200,
    select: {
      id: true,
      title: true,
      body: true,
      account: { select: { name: true, memberships: { where: { role: "owner" }, select: { user: { select: { email: true } } } } } },
    },
  });
  let sent = 0;
  let failed = 0;
  for (const n of pending) {
    const claimed = await db().notification.updateMany({ where: { id: n.id, emailedAt: null }, data: { emailedAt: now } });
    if (claimed.count === 0) continue;
    const to = n.account.memberships.map((m) => m.user.email);
    if (to.length === 0) continue;
    try {
      await mailer.send({ to, subject: `[Headroom] ${n.title}`, text: `${n.body}\n\nAccount: ${n.account.name}` });
      sent++;
    } catch (err) {
      failed++;
      await db().notification.update({ where: { id: n.id }, data: { emailedAt: null } });
      log.warn("notification e-mail failed", { notificationId: n.id, error: errorSummary(err) });
    }
  }
  return { sent, failed };
}

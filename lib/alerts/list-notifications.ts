// GET /api/v1/notifications's verb: the account's budget alerts and account events, newest first.
import { db } from "../db";

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
  emailed: boolean;
}

export async function listNotifications(accountId: string, opts: { limit?: number; before?: Date } = {}): Promise<NotificationView[]> {
  const rows = await db().notification.findMany({
    where: { accountId, ...(opts.before ? { createdAt: { lt: opts.before } } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(opts.limit ?? 50, 1), 200),
    select: { id: true, kind: true, title: true, body: true, createdAt: true, readAt: true, emailedAt: true },
  });
  return rows.map((n) => ({
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
    emailed: n.emailedAt !== null,
  }));
}

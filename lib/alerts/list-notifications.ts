// GET /api/v1/notifications's verb: the account's budget alerts and account events, newest first.
// Paging is by keyset (createdAt, id), the order of the list: several notifications can share a
// createdAt (alerts stored by one statement), so `before` alone would skip some at a page boundary;
// `beforeId` (the id of the last one seen, with its createdAt as `before`) does not.
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

export async function listNotifications(
  accountId: string,
  opts: { limit?: number; before?: Date; beforeId?: string } = {},
): Promise<NotificationView[]> {
  const { before, beforeId } = opts;
  const older = before
    ? beforeId
      ? { OR: [{ createdAt: { lt: before } }, { createdAt: before, id: { lt: beforeId } }] }
      : { createdAt: { lt: before } }
    : {};
  const rows = await db().notification.findMany({
    where: { accountId, ...older },
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

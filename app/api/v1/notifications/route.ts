// GET /api/v1/notifications?limit=&before=&beforeId= — budget alerts and account events, newest first (SPEC §13).
import { badRequest } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { listNotifications } from "@/lib/alerts/list-notifications";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ req, caller }) => {
  const url = new URL(req.url);
  const limitText = url.searchParams.get("limit");
  const beforeText = url.searchParams.get("before");
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 200))
    throw badRequest("limit: must be an integer 1…200", "limit");
  const before = beforeText === null ? undefined : new Date(beforeText);
  if (before && Number.isNaN(before.getTime())) throw badRequest("before: must be an ISO time", "before");
  // The next page after a notification: its createdAt as `before` and its id as `beforeId`.
  const beforeId = url.searchParams.get("beforeId") ?? undefined;
  if (beforeId !== undefined && !before) throw badRequest("beforeId: send it with before (that notification's createdAt)", "beforeId");
  return json({ notifications: await listNotifications(caller.accountId, { limit, before, beforeId }) });
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

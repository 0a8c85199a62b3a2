// GET /api/operator/quota-requests?status=pending — quota requests across accounts (operators).
import { json, parseWith } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { listRequestsForOperators } from "@/lib/quotas/requests/list-requests-for-operators";
import { quotaRequestStatusSchema } from "@/lib/quotas/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withOperator(async ({ req }) => {
  const raw = new URL(req.url).searchParams.get("status");
  const status = raw === null || raw === "" || raw === "all" ? null : parseWith(quotaRequestStatusSchema, raw, "status");
  return json({ quotaRequests: await listRequestsForOperators(status) });
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

// POST /api/operator/quota-requests/{id}/deny — {reason}; the account is notified with it.
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { denyQuotaRequest } from "@/lib/quotas/requests/deny-quota-request";
import { denyQuotaRequestSchema } from "@/lib/quotas/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withOperator(async ({ req, params, caller }) => {
  const { reason } = await readJson(req, denyQuotaRequestSchema);
  return json(orThrow(await denyQuotaRequest(params.id ?? "", caller.userId, reason)).request);
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

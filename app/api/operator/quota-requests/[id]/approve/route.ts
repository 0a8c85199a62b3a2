// POST /api/operator/quota-requests/{id}/approve — set the quota to the requested value; notify the account.
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { approveQuotaRequest } from "@/lib/quotas/requests/approve-quota-request";
import { approveQuotaRequestSchema } from "@/lib/quotas/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withOperator(async ({ req, params, caller }) => {
  // The body is optional ({note}); an empty POST approves.
  const { note } = await readJson(req, approveQuotaRequestSchema);
  return json(orThrow(await approveQuotaRequest(params.id ?? "", caller.userId, note ?? null)).request);
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

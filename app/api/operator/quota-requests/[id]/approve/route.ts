// POST /api/operator/quota-requests/{id}/approve — set the quota to the requested value; notify the account.
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { approveQuotaRequest } from "@/lib/quotas/requests/approve-quota-request";
import { approveQuotaRequestSchema } from "@/lib/quotas/schemas";

export const POST = withOperator(async ({ req, params, caller }) => {
  // The body is optional ({note}); an empty POST approves.
  const { note } = req.headers.get("content-type") ? await readJson(req, approveQuotaRequestSchema) : {};
  return json(orThrow(await approveQuotaRequest(params.id ?? "", caller.userId, note ?? null)).request);
});

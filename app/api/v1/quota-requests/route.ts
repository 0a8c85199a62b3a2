// GET/POST /api/v1/quota-requests — ask operators for a higher count quota ({quota, value, reason}).
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { createQuotaRequest } from "@/lib/quotas/requests/create-quota-request";
import { listQuotaRequests } from "@/lib/quotas/requests/list-quota-requests";
import { createQuotaRequestSchema } from "@/lib/quotas/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => json({ quotaRequests: await listQuotaRequests(caller.accountId) }));

export const POST = withAccount(
  async ({ req, caller }) => {
    const input = await readJson(req, createQuotaRequestSchema);
    const { request } = orThrow(await createQuotaRequest(caller.accountId, input, caller.userId));
    return json(request, 201);
  },
  { role: "owner" },
);

const other = otherMethods({ GET, POST });
export { other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

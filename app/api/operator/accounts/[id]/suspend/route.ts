// POST /api/operator/accounts/{id}/suspend — manual suspension with a reason the owner sees.
import { AppError, badRequest } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { suspendAccount } from "@/lib/billing/suspend-account";
import { suspendSchema } from "@/lib/billing/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withOperator(async ({ req, params, caller }) => {
  const { reason } = await readJson(req, suspendSchema);
  const result = await suspendAccount(params.id ?? "", reason, caller.userId);
  if (!result.ok && result.reason === "no_account") throw new AppError("not_found", "No such account.");
  if (!result.ok) throw badRequest(result.message, "reason");
  return json({ id: params.id, status: result.status, alreadySuspended: result.alreadySuspended });
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

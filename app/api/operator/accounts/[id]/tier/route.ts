// POST /api/operator/accounts/{id}/tier — set the tier (e.g. unlimited), audited.
import { AppError, badRequest } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import type { Tier } from "@/lib/db/generated/enums";
import { setTier } from "@/lib/billing/set-tier";
import { setTierSchema } from "@/lib/billing/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withOperator(async ({ req, params, caller }) => {
  const { tier, note } = await readJson(req, setTierSchema);
  const result = await setTier(params.id ?? "", tier as Tier, caller.userId, note);
  if (!result.ok && result.reason === "no_account") throw new AppError("not_found", "No such account.");
  if (!result.ok) throw badRequest(result.message, "tier");
  return json({ id: params.id, tier: result.to, previousTier: result.from, status: result.status });
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

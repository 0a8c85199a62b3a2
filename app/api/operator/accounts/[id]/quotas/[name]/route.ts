// PUT /api/operator/accounts/{id}/quotas/{name} — {value}: an operator sets a count quota (audited).
import { AppError, badRequest } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { COUNT_QUOTA_NAMES, QUOTA_NAMES, countQuota } from "@/lib/quotas/definitions";
import { listQuotas } from "@/lib/quotas/list-quotas";
import { orThrow } from "@/lib/quotas/outcome";
import { setQuotaValueSchema } from "@/lib/quotas/schemas";
import { setQuotaValue } from "@/lib/quotas/set-quota-value";
import { otherMethods } from "@/lib/http/fallbacks";

export const PUT = withOperator(async ({ req, params, caller }) => {
  const name = params.name ?? "";
  const quota = countQuota(name);
  if (name === "monthly-spend-usd") {
    throw badRequest("monthly-spend-usd follows the account's tier: set the tier (e.g. to unlimited) instead of the quota.");
  }
  if (!quota)
    throw new AppError(
      "not_found",
      `Unknown quota "${name}". Quotas: ${QUOTA_NAMES.join(", ")}; settable here: ${COUNT_QUOTA_NAMES.join(", ")}.`,
    );
  const { value } = await readJson(req, setQuotaValueSchema);
  orThrow(await setQuotaValue(params.id ?? "", quota.name, value, caller.userId));
  return json((await listQuotas(params.id ?? "")).find((q) => q.name === quota.name));
});

const other = otherMethods({ PUT });
export { other as GET, other as POST, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

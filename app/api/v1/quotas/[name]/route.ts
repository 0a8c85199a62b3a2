// PATCH /api/v1/quotas/{name} — owner sets monthly-spend-usd; other quotas go through requests.
import { setSpendLimit } from "@/lib/billing/set-spend-limit";
import { AppError, badRequest } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { parseUsd } from "@/lib/money";
import { QUOTA_NAMES } from "@/lib/quotas/definitions";
import { listQuotas } from "@/lib/quotas/list-quotas";
import { updateSpendLimitSchema } from "@/lib/quotas/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const PATCH = withAccount(
  async ({ req, params, caller }) => {
    const name = params.name ?? "";
    if (!(QUOTA_NAMES as readonly string[]).includes(name))
      throw new AppError("not_found", `Unknown quota "${name}". Quotas: ${QUOTA_NAMES.join(", ")}.`);
    if (name !== "monthly-spend-usd") {
      throw new AppError("forbidden", `${name} is set by operators: request an increase with POST /api/v1/quota-requests.`);
    }
    const { value } = await readJson(req, updateSpendLimitSchema);
    const result = await setSpendLimit(caller.accountId, parseUsd(value), caller.userId);
    if (!result.ok) throw badRequest(result.message, "value");
    const quota = (await listQuotas(caller.accountId)).find((q) => q.name === name);
    return json(quota);
  },
  { role: "owner" },
);

const other = otherMethods({ PATCH });
export { other as GET, other as POST, other as PUT, other as DELETE, other as HEAD, other as OPTIONS };

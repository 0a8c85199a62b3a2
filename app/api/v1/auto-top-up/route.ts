// GET/PUT /api/v1/auto-top-up — read (members) and set (owner) the auto top-up settings (SPEC §4).
// 409 `payment_method_required` when turning it on without a card on file (it charges the card).
import { badRequest, AppError } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { getAutoTopUp, setAutoTopUp, type AutoTopUpView } from "@/lib/billing/auto-top-up-settings";
import type { AutoTopUpSettings } from "@/lib/billing/auto-top-up-due";
import { autoTopUpSchema } from "@/lib/billing/schemas";
import { parseUsd, usdString } from "@/lib/money";
import { otherMethods } from "@/lib/http/fallbacks";

function view(s: AutoTopUpSettings & Partial<Pick<AutoTopUpView, "toppedUpThisMonthMicros">>) {
  return {
    enabled: s.enabled,
    thresholdUsd: usdString(s.thresholdMicros),
    amountUsd: usdString(s.amountMicros),
    monthlyMaxUsd: usdString(s.monthlyMaxMicros),
    ...(s.toppedUpThisMonthMicros !== undefined ? { toppedUpThisMonthUsd: usdString(s.toppedUpThisMonthMicros) } : {}),
  };
}

export const GET = withAccount(async ({ caller }) => json(view(await getAutoTopUp(caller.accountId))));

export const PUT = withAccount(
  async ({ req, caller }) => {
    const input = await readJson(req, autoTopUpSchema);
    const result = await setAutoTopUp(
      caller.accountId,
      {
        enabled: input.enabled,
        thresholdMicros: parseUsd(input.thresholdUsd),
        amountMicros: parseUsd(input.amountUsd),
        monthlyMaxMicros: parseUsd(input.monthlyMaxUsd),
      },
      caller.userId,
    );
    if (!result.ok && result.reason === "no_account") throw new AppError("not_found", "Account not found.");
    if (!result.ok && result.reason === "no_payment_method")
      throw new AppError("conflict", result.message, { bodyCode: "payment_method_required", param: "enabled" });
    if (!result.ok) throw badRequest(result.message, result.field ?? undefined);
    return json(view(await getAutoTopUp(caller.accountId)));
  },
  { role: "owner" },
);

const other = otherMethods({ GET, PUT });
export { other as POST, other as PATCH, other as DELETE, other as OPTIONS };

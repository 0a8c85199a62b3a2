// GET /api/v1/account — tier, status, spend vs limit, credits (SPEC §13).
import { getAccountSummary } from "@/lib/billing/get-account-summary";
import { AppError } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => {
  const summary = await getAccountSummary(caller.accountId);
  if (!summary) throw new AppError("not_found", "Account not found.");
  return json(summary);
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

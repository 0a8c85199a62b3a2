// GET /api/v1/account — tier, status, spend vs limit, credits (SPEC §13).
import { getAccountSummary } from "@/lib/billing/get-account-summary";
import { AppError } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";

export const GET = withAccount(async ({ caller }) => {
  const summary = await getAccountSummary(caller.accountId);
  if (!summary) throw new AppError("not_found", "Account not found.");
  return json(summary);
});

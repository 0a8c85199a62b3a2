// GET /api/operator/accounts/{id}/quotas — an account's quotas with values and usage (operators).
import { AppError } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { accountExists, listQuotas } from "@/lib/quotas/list-quotas";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withOperator(async ({ params }) => {
  const accountId = params.id ?? "";
  if (!(await accountExists(accountId))) throw new AppError("not_found", "No such account.");
  return json({ quotas: await listQuotas(accountId) });
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

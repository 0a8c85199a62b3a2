// GET /api/operator/accounts/{id} — an account as operators see it: summary, members, suspension
// history, invoices, auto top-up, audit trail.
import { AppError } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { getAccountDetail } from "@/lib/billing/get-account-detail";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withOperator(async ({ params }) => {
  const detail = await getAccountDetail(params.id ?? "");
  if (!detail) throw new AppError("not_found", "No such account.");
  return json(detail);
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

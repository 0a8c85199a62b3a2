// GET /api/operator/accounts/{id}/purchases — the account's credit purchases, what is left to refund of each.
import { AppError } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { listCreditPurchases } from "@/lib/payments/list-purchases";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withOperator(async ({ params }) => {
  const purchases = await listCreditPurchases(params.id ?? "");
  if (!purchases) throw new AppError("not_found", "No such account.");
  return json({ purchases });
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

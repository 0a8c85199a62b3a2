// GET /api/operator/accounts/{id}/purchases — the account's credit purchases, what is left to refund of each.
import { AppError } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { listCreditPurchases } from "@/lib/payments/list-purchases";

export const GET = withOperator(async ({ params }) => {
  const purchases = await listCreditPurchases(params.id ?? "");
  if (!purchases) throw new AppError("not_found", "No such account.");
  return json({ purchases });
});

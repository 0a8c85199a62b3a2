// GET /api/v1/invoices/{id} — one invoice with its line items; another account's id is 404.
import { AppError } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { getInvoice } from "@/lib/billing/list-invoices";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ params, caller }) => {
  const invoice = await getInvoice(caller.accountId, params.id ?? "");
  if (!invoice) throw new AppError("not_found", "No such invoice in this account.");
  return json(invoice);
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

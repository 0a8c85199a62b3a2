// POST /api/v1/invoices/{id}/pay — owner: the hosted page to pay an open or failed invoice → {url}; 409 otherwise.
// Paying there makes Stripe send `invoice.paid`, which lifts `payment_failed` once no failed invoice is left.
import { AppError } from "@/lib/http/errors";
import { json, noBody, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { invoicePaymentUrl } from "@/lib/billing/invoice-payment-url";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withAccount(
  async ({ req, params, caller }) => {
    await readJson(req, noBody);
    const result = await invoicePaymentUrl(caller.accountId, params.id ?? "");
    if (!result.ok) throw new AppError(result.reason === "not_found" ? "not_found" : "conflict", result.message);
    return json({ url: result.url });
  },
  { role: "owner" },
);

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

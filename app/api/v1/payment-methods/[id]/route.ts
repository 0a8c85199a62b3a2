// DELETE /api/v1/payment-methods/{id} — owner: remove a saved card (detached in Stripe). → 200
// {id, removed, paymentMethodsLeft, defaultPaymentMethodId, status}; the tier stays; a default
// card's role passes to the newest other card; `status` is "suspended" when it was the last card
// and no credits are left (`no_payment_method`). 404 no such card on this account · 409 it is the
// only card and auto top-up is on (turn it off first) · 503 Stripe did not answer (the card stays).
import { AppError } from "@/lib/http/errors";
import { json, noBody, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { deletePaymentMethod } from "@/lib/payments/delete-payment-method";
import { withStripeErrors } from "@/lib/payments/errors";
import { otherMethods } from "@/lib/http/fallbacks";

export const DELETE = withAccount(
  async ({ req, params, caller }) => {
    await readJson(req, noBody);
    const id = params.id ?? "";
    const result = await withStripeErrors(() =>
      deletePaymentMethod({ accountId: caller.accountId, paymentMethodId: id, actorId: caller.userId }),
    );
    if (!result.ok) throw new AppError(result.reason === "not_found" ? "not_found" : "conflict", result.message);
    return json({
      id,
      removed: true,
      paymentMethodsLeft: result.remaining,
      defaultPaymentMethodId: result.defaultPaymentMethodId,
      status: result.status,
    });
  },
  { role: "owner" },
);

const other = otherMethods({ DELETE });
export { other as GET, other as POST, other as PUT, other as PATCH, other as HEAD, other as OPTIONS };

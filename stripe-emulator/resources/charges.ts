// /v1/charges — read-only: charges are created by PaymentIntent confirmations.
import { createdFilter, newestFirst, paginate } from "../core/lists";
import type { ApiHandler, Route } from "../http/router";
import { idOf, requireCharge } from "../core/lookup";

const retrieveCharge: ApiHandler = (emu, req) => requireCharge(emu, req.pathParams.id ?? "");

const listCharges: ApiHandler = (emu, req) => {
  const p = req.params;
  const customer = p.optionalId("customer");
  const paymentIntent = p.optionalId("payment_intent");
  const created = createdFilter(p);
  const items = newestFirst(emu.state.charges).filter(
    (ch) =>
      created(ch.created) &&
      (customer === undefined || idOf(ch.customer) === customer) &&
      (paymentIntent === undefined || idOf(ch.payment_intent) === paymentIntent),
  );
  return paginate(items, p, "/v1/charges", "charge");
};

export const chargeRoutes: Route<ApiHandler>[] = [
  { method: "GET", pattern: "/v1/charges", handler: listCharges },
  { method: "GET", pattern: "/v1/charges/:id", handler: retrieveCharge },
];

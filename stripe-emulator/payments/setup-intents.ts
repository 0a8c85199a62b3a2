// SetupIntents: how Checkout in setup mode saves a card for later off-session charges.
import type Stripe from "stripe";
import type { Emulator, RequestOrigin } from "../core/emulator";
import { newId, randomBase62 } from "../core/ids";
import { snapshot } from "../core/state";
import { attachPaymentMethod, testCardOf } from "./payment-methods";

export function createSetupIntent(
  emu: Emulator,
  input: { customer: string | null; metadata: Record<string, string>; description: string | null },
  origin: RequestOrigin,
): Stripe.SetupIntent {
  const id = newId("setupIntent");
  const si: Stripe.SetupIntent = {
    id,
    object: "setup_intent",
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomBase62(25)}`,
    created: emu.clock.now(),
    customer: input.customer,
    description: input.description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    single_use_mandate: null,
    status: "requires_payment_method",
    usage: "off_session",
  };
  emu.state.setupIntents[id] = si;
  emu.emit("setup_intent.created", si, origin);
  return si;
}

export type SetupOutcome = { ok: true; setupIntent: Stripe.SetupIntent } | { ok: false; setupIntent: Stripe.SetupIntent; message: string };

/**
 * Confirms a SetupIntent with a card: cards declined on setup (4000000000000002) fail with
 * `setup_intent.setup_failed`; others are attached to the customer (`payment_method.attached`)
 * and the intent succeeds (`setup_intent.succeeded`).
 */
export function confirmSetupIntent(emu: Emulator, si: Stripe.SetupIntent, pm: Stripe.PaymentMethod, origin: RequestOrigin): SetupOutcome {
  const decline = testCardOf(emu, pm)?.onSetup ?? null;
  si.latest_attempt = newId("setupAttempt");
  if (decline) {
    si.status = "requires_payment_method";
    si.last_setup_error = {
      code: decline.code as Stripe.SetupIntent.LastSetupError.Code,
      ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
      doc_url: `https://docs.stripe.com/error-codes/${decline.code.replaceAll("_", "-")}`,
      message: decline.message,
      payment_method: snapshot(pm),
      type: "card_error",
    };
    emu.emit("setup_intent.setup_failed", si, origin);
    return { ok: false, setupIntent: si, message: decline.message };
  }
  const customer = typeof si.customer === "string" ? si.customer : (si.customer?.id ?? null);
  if (customer) attachPaymentMethod(emu, pm, customer, origin);
  si.status = "succeeded";
  si.payment_method = pm.id;
  si.last_setup_error = null;
  emu.emit("setup_intent.succeeded", si, origin);
  return { ok: true, setupIntent: si };
}

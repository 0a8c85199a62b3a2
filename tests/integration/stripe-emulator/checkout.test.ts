// Checkout through the hosted page, submitted as a browser would: payment mode (credits) and
// setup mode (save a card), Stripe's test cards, signed webhooks.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { card, startHarness, submitForm, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function creditsSession(customer: string, dollars: number): Promise<Stripe.Checkout.Session> {
  return h.stripe.checkout.sessions.create({
    mode: "payment",
    customer,
    client_reference_id: "acc_1",
    success_url: "http://app.test/billing?session={CHECKOUT_SESSION_ID}",
    cancel_url: "http://app.test/billing?canceled=1",
    metadata: { account_id: "acc_1", kind: "credits" },
    payment_intent_data: { metadata: { account_id: "acc_1" } },
    line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: dollars * 100, product_data: { name: "Headroom credits" } } }],
  });
}

describe("Checkout in payment mode", () => {
  it("pays with 4242, redirects to success_url and delivers a verified checkout.session.completed", async () => {
    const customer = await h.stripe.customers.create({ email: "buyer@example.com" });
    const session = await creditsSession(customer.id, 25);
    expect(session.id).toMatch(/^cs_test_/);
    expect(session).toMatchObject({
      object: "checkout.session",
      status: "open",
      payment_status: "unpaid",
      amount_total: 2500,
      currency: "usd",
    });
    expect(session.url).toBe(`${h.emulator.url}/c/pay/${session.id}`);

    const page = await fetch(session.url!);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("$25.00");
    expect(html).toMatch(/<label for="cardNumber">/);
    expect(html).toMatch(/<button type="submit">Pay \$25\.00<\/button>/);
    expect(html).toContain('<a href="http://app.test/billing?canceled=1"');

    const submitted = await submitForm(session.url!, card("4242 4242 4242 4242"));
    expect(submitted.status).toBe(303);
    expect(submitted.location).toBe(`http://app.test/billing?session=${session.id}`);

    const completed = await h.waitForEvent("checkout.session.completed", (e) => e.data.object.id === session.id);
    expect(completed.data.object).toMatchObject({
      status: "complete",
      payment_status: "paid",
      client_reference_id: "acc_1",
      metadata: { account_id: "acc_1", kind: "credits" },
      amount_total: 2500,
    });
    expect(completed.request).toEqual({ id: null, idempotency_key: null });
    const piId = completed.data.object.payment_intent as string;
    expect(piId).toMatch(/^pi_/);

    const succeeded = await h.waitForEvent("payment_intent.succeeded", (e) => e.data.object.id === piId);
    expect(succeeded.data.object).toMatchObject({
      amount: 2500,
      amount_received: 2500,
      metadata: { account_id: "acc_1" },
      customer: customer.id,
    });
    const charge = await h.waitForEvent("charge.succeeded", (e) => e.data.object.payment_intent === piId);
    expect(charge.data.object.id).toMatch(/^ch_/);
    expect(charge.data.object.payment_method_details?.card?.last4).toBe("4242");

    const retrieved = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent", "line_items"] });
    expect(retrieved.status).toBe("complete");
    expect((retrieved.payment_intent as Stripe.PaymentIntent).status).toBe("succeeded");
    expect(retrieved.line_items?.data[0]).toMatchObject({
      object: "item",
      description: "Headroom credits",
      amount_total: 2500,
      quantity: 1,
    });

    // Nothing is saved to the customer without setup_future_usage.
    const saved = await h.stripe.customers.listPaymentMethods(customer.id);
    expect(saved.data).toHaveLength(0);

    // A second submit (double click, back button) does not charge twice.
    const again = await submitForm(session.url!, card("4242424242424242"));
    expect(again.status).toBe(303);
    expect((await h.stripe.charges.list({ payment_intent: piId })).data).toHaveLength(1);
  });

  it("shows the decline for 4000000000000002, keeps the session open and sends no completion", async () => {
    const customer = await h.stripe.customers.create({ email: "declined@example.com" });
    const session = await creditsSession(customer.id, 10);
    const declined = await submitForm(session.url!, card("4000000000000002"));
    expect(declined.status).toBe(402);
    expect(declined.html).toMatch(/role="alert"[^>]*>Your card was declined\./);

    const failed = await h.waitForEvent("payment_intent.payment_failed", (e) => e.data.object.customer === customer.id);
    expect(failed.data.object.last_payment_error).toMatchObject({ code: "card_declined", decline_code: "generic_decline" });
    await h.emulator.waitForWebhooks();
    expect(h.events("checkout.session.completed").some((e) => (e.data.object as Stripe.Checkout.Session).id === session.id)).toBe(false);
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    // The customer can try again with a good card on the same session.
    const retry = await submitForm(session.url!, card("4242424242424242"));
    expect(retry.status).toBe(303);
    await h.waitForEvent("checkout.session.completed", (e) => e.data.object.id === session.id);
  });

  it("saves the card to the customer when payment_intent_data.setup_future_usage is set", async () => {
    const customer = await h.stripe.customers.create({ email: "keeper@example.com" });
    const session = await h.stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      success_url: "http://app.test/ok",
      payment_intent_data: { setup_future_usage: "off_session" },
      line_items: [{ quantity: 2, price_data: { currency: "usd", unit_amount: 500, product_data: { name: "Credits" } } }],
    });
    expect(session.amount_total).toBe(1000);
    expect((await submitForm(session.url!, card("5555555555554444"))).status).toBe(303);
    const attached = await h.waitForEvent("payment_method.attached", (e) => e.data.object.customer === customer.id);
    expect(attached.data.object.card?.brand).toBe("mastercard");
    expect((await h.stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1);
  });

  it("rejects malformed card input on the page without calling the card network", async () => {
    const session = await creditsSession((await h.stripe.customers.create({})).id, 5);
    const bad = await submitForm(session.url!, { ...card("4242424242424241") });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Your card number is invalid.");
    const past = await submitForm(session.url!, { ...card("4242424242424242"), cardExpiry: "01 / 20" });
    expect(past.html).toContain("expiration year is in the past");
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent).toBeNull();
  });

  it("expires an open session", async () => {
    const session = await creditsSession((await h.stripe.customers.create({})).id, 5);
    const expired = await h.stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: "expired", url: null });
    await h.waitForEvent("checkout.session.expired", (e) => e.data.object.id === session.id);
    await expect(h.stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ statusCode: 400 });
    const page = await fetch(`${h.emulator.url}/c/pay/${session.id}`);
    expect(await page.text()).toContain("expired");
  });
});

describe("Checkout in setup mode", () => {
  it("saves the card to the customer and emits setup_intent.succeeded, payment_method.attached, checkout.session.completed", async () => {
    const customer = await h.stripe.customers.create({ email: "saver@example.com" });
    const session = await h.stripe.checkout.sessions.create({
      mode: "setup",
      customer: customer.id,
      currency: "usd",
      success_url: "http://app.test/cards?ok={CHECKOUT_SESSION_ID}",
      metadata: { account_id: "acc_2" },
      setup_intent_data: { metadata: { account_id: "acc_2" } },
    });
    expect(session).toMatchObject({ mode: "setup", payment_status: "no_payment_required", amount_total: null });
    expect(session.setup_intent).toMatch(/^seti_/);
    const html = await (await fetch(session.url!)).text();
    expect(html).toContain("Save card");

    const submitted = await submitForm(session.url!, { ...card("4000 0000 0000 0341"), cardExpiry: "07/31" });
    expect(submitted.status).toBe(303);
    expect(submitted.location).toBe(`http://app.test/cards?ok=${session.id}`);

    const si = await h.waitForEvent("setup_intent.succeeded", (e) => e.data.object.id === session.setup_intent);
    expect(si.data.object).toMatchObject({
      status: "succeeded",
      customer: customer.id,
      metadata: { account_id: "acc_2" },
      usage: "off_session",
    });
    const pmId = si.data.object.payment_method as string;
    const attached = await h.waitForEvent("payment_method.attached", (e) => e.data.object.id === pmId);
    expect(attached.data.object.card).toMatchObject({ brand: "visa", last4: "0341", exp_month: 7, exp_year: 2031 });
    const completed = await h.waitForEvent("checkout.session.completed", (e) => e.data.object.id === session.id);
    expect(completed.data.object).toMatchObject({
      status: "complete",
      payment_status: "no_payment_required",
      setup_intent: session.setup_intent,
    });

    const viaCustomer = await h.stripe.customers.listPaymentMethods(customer.id, { type: "card" });
    expect(viaCustomer.data.map((pm) => pm.id)).toEqual([pmId]);
    const viaList = await h.stripe.paymentMethods.list({ customer: customer.id, type: "card" });
    expect(viaList.data.map((pm) => pm.id)).toEqual([pmId]);
    const one = await h.stripe.customers.retrievePaymentMethod(customer.id, pmId);
    expect(one.customer).toBe(customer.id);
  });

  it("does not save a card declined on setup (4000000000000002)", async () => {
    const customer = await h.stripe.customers.create({});
    const session = await h.stripe.checkout.sessions.create({ mode: "setup", customer: customer.id, currency: "usd" });
    const declined = await submitForm(session.url!, card("4000000000000002"));
    expect(declined.status).toBe(402);
    expect(declined.html).toContain("Your card was declined.");
    await h.waitForEvent("setup_intent.setup_failed", (e) => e.data.object.id === session.setup_intent);
    expect((await h.stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(0);
  });

  it("detaches a saved card and clears it as the invoice default", async () => {
    const customer = await h.stripe.customers.create({
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    const pmId = customer.invoice_settings.default_payment_method as string;
    expect(pmId).toMatch(/^pm_/);
    const detached = await h.stripe.paymentMethods.detach(pmId);
    expect(detached.customer).toBeNull();
    const after = (await h.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(after.invoice_settings.default_payment_method).toBeNull();
    await h.waitForEvent("payment_method.detached", (e) => e.data.object.id === pmId);
  });
});

describe("SetupIntents API", () => {
  it("saves a card server-side with confirm=true, and reports a setup decline as a 402 carrying the SetupIntent", async () => {
    const customer = await h.stripe.customers.create({ email: "si@example.com" });
    const si = await h.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: "pm_card_visa",
      confirm: true,
      usage: "off_session",
    });
    expect(si).toMatchObject({ object: "setup_intent", status: "succeeded", customer: customer.id });
    expect((await h.stripe.customers.listPaymentMethods(customer.id)).data.map((pm) => pm.id)).toEqual([si.payment_method]);

    const err = await h.stripe.setupIntents
      .create({ customer: customer.id, payment_method: "pm_card_chargeDeclined", confirm: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((err as Stripe.errors.StripeCardError).setup_intent?.status).toBe("requires_payment_method");
    expect((await h.stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1);
  });
});

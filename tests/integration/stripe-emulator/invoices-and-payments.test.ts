// Invoices charged to the card on file (and paid on the hosted invoice page), off-session
// PaymentIntents (auto top-up) and refunds.
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

/** A customer whose default card is the given test card (saved through the Stripe API). */
async function customerWithCard(shortcut: string): Promise<{ customer: Stripe.Customer; pm: string }> {
  const customer = await h.stripe.customers.create({ email: `${shortcut}@example.com`, name: "Grace" });
  const pm = await h.stripe.paymentMethods.attach(shortcut, { customer: customer.id });
  await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return { customer, pm: pm.id };
}

async function monthlyInvoice(customer: string): Promise<Stripe.Invoice> {
  const invoice = await h.stripe.invoices.create({
    customer,
    collection_method: "charge_automatically",
    auto_advance: false,
    pending_invoice_items_behavior: "exclude",
    metadata: { account_id: "acc_9", period: "2026-10" },
  });
  await h.stripe.invoiceItems.create({ customer, invoice: invoice.id, amount: 1234, currency: "usd", description: "llama-3-70b usage" });
  await h.stripe.invoiceItems.create({ customer, invoice: invoice.id, amount: 766, currency: "usd", description: "A100 deployment" });
  return h.stripe.invoices.retrieve(invoice.id);
}

describe("invoices", () => {
  it("declines a 0341 card on file (402 card_error, invoice.payment_failed), then is paid on the hosted page with 4242", async () => {
    const { customer } = await customerWithCard("pm_card_chargeCustomerFail");
    const draft = await monthlyInvoice(customer.id);
    expect(draft.id).toMatch(/^in_/);
    expect(draft).toMatchObject({ object: "invoice", status: "draft", amount_due: 2000, total: 2000, hosted_invoice_url: null });
    expect(draft.lines.data.map((l) => l.description)).toEqual(["llama-3-70b usage", "A100 deployment"]);

    const open = await h.stripe.invoices.finalizeInvoice(draft.id);
    expect(open.status).toBe("open");
    expect(open.number).toMatch(/^[A-Z0-9]+-0001$/);
    expect(open.hosted_invoice_url).toMatch(new RegExp(`^${h.emulator.url}/i/test_`));
    await h.waitForEvent("invoice.finalized", (e) => e.data.object.id === draft.id);

    const err = await h.stripe.invoices.pay(draft.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({
      statusCode: 402,
      code: "card_declined",
      decline_code: "generic_decline",
      message: "Your card was declined.",
    });
    expect((err as Stripe.errors.StripeCardError).payment_intent?.status).toBe("requires_payment_method");

    const failed = await h.waitForEvent("invoice.payment_failed", (e) => e.data.object.id === draft.id);
    expect(failed.data.object).toMatchObject({ status: "open", attempt_count: 1, attempted: true, metadata: { account_id: "acc_9" } });
    const stillOpen = await h.stripe.invoices.retrieve(draft.id);
    expect(stillOpen).toMatchObject({ status: "open", attempt_count: 1, amount_remaining: 2000 });

    const page = await fetch(open.hosted_invoice_url!);
    const html = await page.text();
    expect(html).toContain("llama-3-70b usage");
    expect(html).toContain("$20.00");
    expect(html).toMatch(/<label for="cardNumber">/);

    const declined = await submitForm(open.hosted_invoice_url!, card("4000000000000341"));
    expect(declined.status).toBe(402);
    expect(declined.html).toContain("Your card was declined.");

    const paid = await submitForm(open.hosted_invoice_url!, card("4242424242424242"));
    expect(paid.status).toBe(303);
    const paidEvent = await h.waitForEvent("invoice.paid", (e) => e.data.object.id === draft.id);
    expect(paidEvent.data.object).toMatchObject({ status: "paid", amount_paid: 2000, amount_remaining: 0 });
    await h.waitForEvent("invoice.payment_succeeded", (e) => e.data.object.id === draft.id);

    const final = await h.stripe.invoices.retrieve(draft.id, { expand: ["payments"] });
    expect(final.status).toBe("paid");
    expect(final.status_transitions.paid_at).not.toBeNull();
    const payment = final.payments?.data[0];
    expect(payment).toMatchObject({ object: "invoice_payment", status: "paid", amount_paid: 2000 });
    expect(await (await fetch(open.hosted_invoice_url!)).text()).toContain("Paid");

    const pdf = await fetch(open.invoice_pdf!);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect((await pdf.text()).startsWith("%PDF-1.4")).toBe(true);
  });

  it("charges a good default card through invoices.pay", async () => {
    const { customer } = await customerWithCard("pm_card_visa");
    const draft = await monthlyInvoice(customer.id);
    await h.stripe.invoices.finalizeInvoice(draft.id);
    const paid = await h.stripe.invoices.pay(draft.id);
    expect(paid).toMatchObject({ status: "paid", amount_paid: 2000, attempt_count: 1 });
    await h.waitForEvent("invoice.paid", (e) => e.data.object.id === draft.id);
    await expect(h.stripe.invoices.pay(draft.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("pulls pending invoice items in with pending_invoice_items_behavior=include, lists and voids", async () => {
    const { customer } = await customerWithCard("pm_card_visa");
    const item = await h.stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: "usd", description: "pending" });
    expect(item).toMatchObject({ object: "invoiceitem", invoice: null });
    const invoice = await h.stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include" });
    expect(invoice.amount_due).toBe(500);
    const listed = await h.stripe.invoices.list({ customer: customer.id, status: "draft" });
    expect(listed.data.map((i) => i.id)).toContain(invoice.id);
    await h.stripe.invoices.finalizeInvoice(invoice.id);
    const voided = await h.stripe.invoices.voidInvoice(invoice.id);
    expect(voided.status).toBe("void");
    await h.waitForEvent("invoice.voided", (e) => e.data.object.id === invoice.id);
    await expect(
      h.stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 1, currency: "usd" }),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it("never charges an invoice under the $0.50 minimum: it is marked paid and its amount carried to the next invoice", async () => {
    // Stripe: "If the amount due for the invoice is less than Stripe's minimum allowed charge per
    // currency, the invoice is automatically marked paid, and we add the amount due to the
    // customer's credit balance which is applied to the next invoice."
    const { customer } = await customerWithCard("pm_card_chargeCustomerFail"); // would decline any charge
    const small = await h.stripe.invoices.create({ customer: customer.id, collection_method: "charge_automatically" });
    await h.stripe.invoiceItems.create({ customer: customer.id, invoice: small.id, amount: 30, currency: "usd", description: "usage" });
    const finalized = await h.stripe.invoices.finalizeInvoice(small.id);
    expect(finalized).toMatchObject({ status: "paid", amount_due: 30, amount_paid: 0, amount_remaining: 0, ending_balance: 30 });
    await h.waitForEvent("invoice.paid", (e) => e.data.object.id === small.id);
    await expect(h.stripe.invoices.pay(small.id)).rejects.toMatchObject({ statusCode: 400 });
    expect((await h.stripe.charges.list({ customer: customer.id })).data).toEqual([]);
    expect((await h.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: 30 });

    // The next invoice starts from that balance: 100 + 30 due.
    const next = await h.stripe.invoices.create({ customer: customer.id });
    await h.stripe.invoiceItems.create({ customer: customer.id, invoice: next.id, amount: 100, currency: "usd", description: "usage" });
    const open = await h.stripe.invoices.finalizeInvoice(next.id);
    expect(open).toMatchObject({ status: "open", total: 100, starting_balance: 30, amount_due: 130, ending_balance: 0 });
    expect((await h.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: 0 });
  });

  it("collects auto_advance invoices when the clock is advanced", async () => {
    const { customer } = await customerWithCard("pm_card_visa");
    const invoice = await h.stripe.invoices.create({ customer: customer.id, auto_advance: true });
    await h.stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 900, currency: "usd" });
    expect(invoice.automatically_finalizes_at).not.toBeNull();
    h.emulator.advance(3601);
    expect((await h.stripe.invoices.retrieve(invoice.id)).status).toBe("open");
    h.emulator.advance(3601);
    expect((await h.stripe.invoices.retrieve(invoice.id)).status).toBe("paid");
    await h.waitForEvent("invoice.paid", (e) => e.data.object.id === invoice.id);
  });
});

describe("off-session PaymentIntents (auto top-up)", () => {
  it("charges the saved card", async () => {
    const { customer, pm } = await customerWithCard("pm_card_visa");
    const pi = await h.stripe.paymentIntents.create({
      amount: 2000,
      currency: "usd",
      customer: customer.id,
      payment_method: pm,
      off_session: true,
      confirm: true,
      metadata: { account_id: "acc_3", kind: "auto_top_up" },
    });
    expect(pi).toMatchObject({ object: "payment_intent", status: "succeeded", amount_received: 2000 });
    expect(pi.latest_charge).toMatch(/^ch_/);
    const retrieved = await h.stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge"] });
    expect((retrieved.latest_charge as Stripe.Charge).paid).toBe(true);
  });

  it("declines the 0341 card with a 402 that carries the PaymentIntent, and emits payment_intent.payment_failed", async () => {
    const { customer, pm } = await customerWithCard("pm_card_chargeCustomerFail");
    const err = await h.stripe.paymentIntents
      .create({ amount: 2000, currency: "usd", customer: customer.id, payment_method: pm, off_session: true, confirm: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardErr = err as Stripe.errors.StripeCardError;
    expect(cardErr).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "generic_decline" });
    expect(cardErr.payment_intent?.id).toMatch(/^pi_/);
    expect(cardErr.payment_intent?.status).toBe("requires_payment_method");
    expect(cardErr.payment_method?.id).toBe(pm);
    const failed = await h.waitForEvent("payment_intent.payment_failed", (e) => e.data.object.id === cardErr.payment_intent?.id);
    expect(failed.data.object.last_payment_error?.code).toBe("card_declined");
  });

  it("refuses amounts under Stripe's minimum", async () => {
    await expect(h.stripe.paymentIntents.create({ amount: 10, currency: "usd" })).rejects.toMatchObject({
      code: "amount_too_small",
      param: "amount",
    });
  });
});

describe("refunds", () => {
  it("refunds part, then the rest, of a charge with charge.refunded events", async () => {
    const { customer, pm } = await customerWithCard("pm_card_visa");
    const pi = await h.stripe.paymentIntents.create({
      amount: 5000,
      currency: "usd",
      customer: customer.id,
      payment_method: pm,
      confirm: true,
      off_session: true,
    });
    const partial = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 1500, reason: "requested_by_customer" });
    expect(partial).toMatchObject({ object: "refund", amount: 1500, status: "succeeded", payment_intent: pi.id, charge: pi.latest_charge });
    expect(partial.id).toMatch(/^re_/);
    const first = await h.waitForEvent(
      "charge.refunded",
      (e) => e.data.object.id === pi.latest_charge && e.data.object.amount_refunded === 1500,
    );
    expect(first.data.object.refunded).toBe(false);

    const rest = await h.stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(rest.amount).toBe(3500);
    const second = await h.waitForEvent(
      "charge.refunded",
      (e) => e.data.object.id === pi.latest_charge && e.data.object.amount_refunded === 5000,
    );
    expect(second.data.object.refunded).toBe(true);
    expect(second.data.previous_attributes).toMatchObject({ amount_refunded: 1500, refunded: false });

    await expect(h.stripe.refunds.create({ charge: pi.latest_charge as string })).rejects.toMatchObject({
      code: "charge_already_refunded",
    });
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string, { expand: ["refunds"] });
    expect(charge.refunds?.data).toHaveLength(2);
  });
});

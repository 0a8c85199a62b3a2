// Payments end to end against the Stripe emulator (SPEC §4, §5, §11): Checkout for credits and
// cards, invoices charged to the card on file, hosted invoice pages, auto top-up and refunds — each
// effect arriving through the real webhook route with real signatures.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { addMemberFixture, createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { parseUsd, usd } from "@/lib/money";
import { closeMonth } from "@/lib/billing/close-month";
import { runAutoTopUp, type TopUpPayments } from "@/lib/billing/run-auto-top-up";
import { setAutoTopUp } from "@/lib/billing/auto-top-up-settings";
import { monthStart } from "@/lib/billing/period";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { gateway } from "@/lib/gateway/context";
import { sendInvoiceToStripe, sendPendingInvoices } from "@/lib/payments/invoices/send-invoice";
import { chargeSavedCard } from "@/lib/payments/charge-saved-card";
import { findSavedCardCharge } from "@/lib/payments/find-saved-card-charge";
import { savedCardPayments } from "@/lib/payments/saved-card-payments";
import { refundCreditPurchase } from "@/lib/payments/refund-purchase";
import { ensureDemoCard } from "@/lib/payments/demo-card";
import { grantCredits } from "@/lib/billing/grant-credits";
import { settleInvoiceInStripe } from "@/lib/payments/invoices/settle-invoice";
import { setStripeClient } from "@/lib/payments/stripe-client";
import * as checkoutRoute from "@/app/api/v1/credits/checkout/route";
import * as setupRoute from "@/app/api/v1/payment-methods/setup/route";
import * as methodsRoute from "@/app/api/v1/payment-methods/route";
import * as methodRoute from "@/app/api/v1/payment-methods/[id]/route";
import * as accountRoute from "@/app/api/v1/account/route";
import * as payRoute from "@/app/api/v1/invoices/[id]/pay/route";
import * as jobsRoute from "@/app/api/operator/jobs/[job]/route";
import * as refundsRoute from "@/app/api/operator/accounts/[id]/refunds/route";
import * as purchasesRoute from "@/app/api/operator/accounts/[id]/purchases/route";
import { chargeUsageAt, emittedEvents, eventPayload, previousMonth, setupPayments, submitCard } from "./harness";

setupTestDatabase();
const h = setupPayments();

async function buyCredits(apiKey: string, amountUsd: number | string, card = "4242424242424242") {
  const res = await callRoute(checkoutRoute.POST, { method: "POST", apiKey, body: { amountUsd } });
  expect(res.status).toBe(200);
  const paid = await submitCard(res.body.url, card);
  await h.settle();
  return { ...res.body, paid } as { url: string; sessionId: string; paid: Awaited<ReturnType<typeof submitCard>> };
}

async function addCard(apiKey: string, card: string) {
  const res = await callRoute(setupRoute.POST, { method: "POST", apiKey });
  expect(res.status).toBe(200);
  expect(res.body.url).toMatch(/\/c\/pay\/cs_/);
  const saved = await submitCard(res.body.url, card);
  expect(saved.status).toBe(303);
  await h.settle();
}

const account = async (apiKey: string) => (await callRoute(accountRoute.GET, { apiKey })).body;

describe("buying credits with Checkout", () => {
  it("Tier 1 with $0 history buys $100 → Tier 2 with a $500 cap, visible to the API at once", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier1", spendLimitUsd: "50.00", historicalSpendUsd: "0.00" });
    const bought = await buyCredits(acct.apiKey, 100);
    expect(bought.paid.status).toBe(303);
    expect(bought.paid.location).toContain("/billing?checkout=success&session_id=" + bought.sessionId);
    expect(await account(acct.apiKey)).toMatchObject({
      tier: "tier2",
      spendLimitUsd: "500.00",
      creditBalanceUsd: "100.00",
      historicalSpendUsd: "100.00",
      status: "active",
    });
    const row = await db().checkoutSession.findUniqueOrThrow({ where: { stripeSessionId: bought.sessionId } });
    expect(row).toMatchObject({ status: "complete", mode: "payment", amountMicros: usd(100) });
    const payment = await db().payment.findFirstOrThrow({ where: { accountId: acct.accountId } });
    expect(payment).toMatchObject({ purpose: "credits", status: "succeeded", amountMicros: usd(100) });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("a declined card grants nothing and the session stays open", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const res = await callRoute(checkoutRoute.POST, { method: "POST", apiKey: acct.apiKey, body: { amountUsd: "25" } });
    const declined = await submitCard(res.body.url, "4000000000000002");
    expect(declined.status).toBe(402);
    expect(declined.html).toContain("Your card was declined.");
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00", tier: "tier1" });
    // The same page then works with a good card.
    expect((await submitCard(res.body.url, "4242424242424242")).status).toBe(303);
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "25.00" });
  });

  it("validates the amount (whole dollars, $5…$50,000) and is owner-only", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    for (const amountUsd of [4, "50001", 10.5, "ten", -5, null]) {
      const res = await callRoute(checkoutRoute.POST, { method: "POST", apiKey: acct.apiKey, body: { amountUsd } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: "invalid_request_error", param: "amountUsd" });
      expect(res.body.error.message).toMatch(/^amountUsd: /);
    }
    const outOfRange = await callRoute(checkoutRoute.POST, { method: "POST", apiKey: acct.apiKey, body: { amountUsd: 4 } });
    expect(outOfRange.body.error.message).toBe("amountUsd: must be from 5 to 50000 (whole US dollars)");
    const missing = await callRoute(checkoutRoute.POST, { method: "POST", apiKey: acct.apiKey, body: {} });
    expect(missing.status).toBe(400);
    const member = await addMemberFixture(acct.accountId);
    for (const route of [checkoutRoute.POST, setupRoute.POST]) {
      const res = await callRoute(route, { method: "POST", apiKey: member.apiKey, body: { amountUsd: 10 } });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    // Members may see the cards.
    expect((await callRoute(methodsRoute.GET, { apiKey: member.apiKey })).status).toBe(200);
    expect(await db().checkoutSession.count({ where: { accountId: acct.accountId } })).toBe(0);
  });
});

describe("saving a card with Checkout in setup mode", () => {
  it("a trial account adds 4242 → Tier 1, the card is listed and is Stripe's default for invoices", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier1", hasPaymentMethod: true, spendLimitUsd: "50.00" });
    const list = await callRoute(methodsRoute.GET, { apiKey: acct.apiKey });
    expect(list.body.paymentMethods).toEqual([
      expect.objectContaining({ brand: "visa", last4: "4242", isDefault: true, expMonth: 12, expYear: 2034 }),
    ]);
    const { stripeCustomerId } = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    const customer = await h.stripe.customers.retrieve(stripeCustomerId!);
    const pm = await db().paymentMethod.findFirstOrThrow({ where: { accountId: acct.accountId } });
    expect("deleted" in customer ? null : customer.invoice_settings.default_payment_method).toBe(pm.stripePaymentMethodId);
    // One customer per account, however many sessions.
    await callRoute(setupRoute.POST, { method: "POST", apiKey: acct.apiKey });
    expect(
      (await h.stripe.customers.list({ limit: 100 })).data.filter((c) => c.metadata.headroom_account_id === acct.accountId),
    ).toHaveLength(1);
  });

  it("a suspended no_payment_method account is lifted by adding a card", async () => {
    const acct = await createAccountFixture({ tier: "tier0", paymentMethod: false });
    expect(await account(acct.apiKey)).toMatchObject({
      status: "suspended",
      suspensionReasons: [expect.objectContaining({ reason: "no_payment_method" })],
    });
    expect((await gateway().accounts.get(acct.accountId)).status).toBe("suspended");
    await addCard(acct.apiKey, "5555555555554444");
    expect(await account(acct.apiKey)).toMatchObject({ status: "active", tier: "tier1" });
    // The webhook dropped this instance's cached state: no waiting for the 1 s TTL.
    expect((await gateway().accounts.get(acct.accountId)).status).toBe("active");
  });
});

describe("removing a card", () => {
  const cardsOf = async (apiKey: string) =>
    (await callRoute(methodsRoute.GET, { apiKey })).body.paymentMethods as { id: string; last4: string; isDefault: boolean }[];
  const removeCard = (apiKey: string, id: string) => callRoute(methodRoute.DELETE, { method: "DELETE", apiKey, params: { id } });
  const stripeDefault = async (accountId: string) => {
    const { stripeCustomerId } = await db().account.findUniqueOrThrow({ where: { id: accountId } });
    const customer = await h.stripe.customers.retrieve(stripeCustomerId!);
    return "deleted" in customer ? null : customer.invoice_settings.default_payment_method;
  };
  const stripeIdOf = async (id: string) => (await db().paymentMethod.findUniqueOrThrow({ where: { id } })).stripePaymentMethodId;

  it("the default card goes: detached in Stripe, the other card becomes the default here and in Stripe, the tier stays", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    await addCard(acct.apiKey, "5555555555554444");
    const [newest, older] = await cardsOf(acct.apiKey);
    expect([newest, older]).toEqual([
      expect.objectContaining({ last4: "4444", isDefault: true }),
      expect.objectContaining({ last4: "4242", isDefault: false }),
    ]);
    const res = await removeCard(acct.apiKey, newest!.id);
    expect(res).toMatchObject({
      status: 200,
      body: { id: newest!.id, removed: true, paymentMethodsLeft: 1, defaultPaymentMethodId: older!.id, status: "active" },
    });
    expect(await cardsOf(acct.apiKey)).toEqual([expect.objectContaining({ id: older!.id, isDefault: true })]);
    expect((await h.stripe.paymentMethods.retrieve(await stripeIdOf(newest!.id))).customer).toBeNull();
    expect(await stripeDefault(acct.accountId)).toBe(await stripeIdOf(older!.id));
    // Stripe's payment_method.detached for it arrives after: already done.
    await h.settle();
    expect(h.answers.filter((a) => a.type === "payment_method.detached").at(-1)).toMatchObject({ status: 200 });
    expect(await cardsOf(acct.apiKey)).toEqual([expect.objectContaining({ id: older!.id, isDefault: true })]);
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier1", hasPaymentMethod: true, status: "active" });
    expect(await db().auditLog.findFirst({ where: { accountId: acct.accountId, action: "payment_method.detached" } })).toMatchObject({
      actorId: acct.ownerId,
    });
    // The same card again: gone.
    expect((await removeCard(acct.apiKey, newest!.id)).status).toBe(404);
  });

  it("the only card is kept while auto top-up relies on it; without auto top-up it goes, and with no credits the account is suspended", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    await db().autoTopUp.create({
      data: { accountId: acct.accountId, enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) },
    });
    const [card] = await cardsOf(acct.apiKey);
    const refused = await removeCard(acct.apiKey, card!.id);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    expect(refused.body.error.message).toMatch(/auto top-up/i);
    expect(await cardsOf(acct.apiKey)).toHaveLength(1);
    expect((await h.stripe.paymentMethods.retrieve(await stripeIdOf(card!.id))).customer).not.toBeNull();

    await db().autoTopUp.update({ where: { accountId: acct.accountId }, data: { enabled: false } });
    expect(await removeCard(acct.apiKey, card!.id)).toMatchObject({
      status: 200,
      body: { paymentMethodsLeft: 0, defaultPaymentMethodId: null, status: "suspended" },
    });
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({
      tier: "tier1",
      hasPaymentMethod: false,
      status: "suspended",
      suspensionReasons: [expect.objectContaining({ reason: "no_payment_method" })],
    });
    expect((await gateway().accounts.get(acct.accountId)).status).toBe("suspended");
  });

  it("the last two cards removed at once while auto top-up is on: one goes, the other stays (never zero cards)", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    await addCard(acct.apiKey, "5555555555554444");
    await db().autoTopUp.create({
      data: { accountId: acct.accountId, enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) },
    });
    const cards = await cardsOf(acct.apiKey);
    expect(cards).toHaveLength(2);
    const answers = await Promise.all(cards.map((c) => removeCard(acct.apiKey, c.id)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error.message).toMatch(/auto top-up/i);
    const left = await cardsOf(acct.apiKey);
    expect(left).toEqual([expect.objectContaining({ isDefault: true })]);
    // The card that stayed is still attached in Stripe and is Stripe's default; the other is detached.
    const kept = await stripeIdOf(left[0]!.id);
    expect((await h.stripe.paymentMethods.retrieve(kept)).customer).not.toBeNull();
    expect(await stripeDefault(acct.accountId)).toBe(kept);
    const gone = cards.find((c) => c.id !== left[0]!.id)!;
    expect((await h.stripe.paymentMethods.retrieve(await stripeIdOf(gone.id))).customer).toBeNull();
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ hasPaymentMethod: true, status: "active" });
  });

  it("Stripe not answering the detach puts the card back, still the default, and answers 503", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    const [card] = await cardsOf(acct.apiKey);
    // Stripe unreachable: a client whose host answers nothing (a closed port).
    setStripeClient(
      new Stripe("sk_test_unreachable", { host: "127.0.0.1", port: 9, protocol: "http", maxNetworkRetries: 0, telemetry: false }),
    );
    try {
      const res = await removeCard(acct.apiKey, card!.id);
      expect(res.status).toBe(503);
      expect(res.body.error.message).not.toMatch(/ECONNREFUSED|at .*\.ts/);
    } finally {
      setStripeClient(undefined);
    }
    expect(await cardsOf(acct.apiKey)).toEqual([expect.objectContaining({ id: card!.id, isDefault: true })]);
    expect((await h.stripe.paymentMethods.retrieve(await stripeIdOf(card!.id))).customer).not.toBeNull();
    expect(await account(acct.apiKey)).toMatchObject({ hasPaymentMethod: true, status: "active" });
    // And with Stripe back, the removal goes through.
    expect(await removeCard(acct.apiKey, card!.id)).toMatchObject({ status: 200, body: { paymentMethodsLeft: 0 } });
  });

  it("owner only; another account's card or an unknown id is 404; a card Stripe never had is removed here", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(5) });
    const member = await addMemberFixture(acct.accountId);
    const other = await createAccountFixture({ tier: "tier1" });
    const [card] = await cardsOf(acct.apiKey);
    expect((await removeCard(member.apiKey, card!.id)).status).toBe(403);
    expect((await removeCard(other.apiKey, card!.id)).status).toBe(404);
    expect((await removeCard(acct.apiKey, "pm_nope")).status).toBe(404);
    // The fixture's card exists only in our database (like the demo's placeholder).
    expect(await removeCard(acct.apiKey, card!.id)).toMatchObject({ status: 200, body: { paymentMethodsLeft: 0, status: "active" } });
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier1", hasPaymentMethod: false });
  });

  it("a default card detached in Stripe (Dashboard) passes the default to the other card, here and in Stripe", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    await addCard(acct.apiKey, "5555555555554444");
    const [newest, older] = await cardsOf(acct.apiKey);
    await h.stripe.paymentMethods.detach(await stripeIdOf(newest!.id));
    await h.settle();
    expect(await cardsOf(acct.apiKey)).toEqual([expect.objectContaining({ id: older!.id, isDefault: true })]);
    expect(await stripeDefault(acct.accountId)).toBe(await stripeIdOf(older!.id));
  });
});

describe("invoices charged to the card on file", () => {
  it("card 0341 + month close → failed invoice → suspended payment_failed → paid on the hosted page with 4242 → active", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4000000000000341");
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier1", status: "active" });
    await chargeUsageAt(acct.accountId, 12_345_678n, previousMonth());
    const closed = await closeMonth({ period: previousMonth(), accountId: acct.accountId });
    expect(closed).toMatchObject({ ok: true, invoiced: [{ totalMicros: 12_345_678n }] });
    if (!closed.ok) throw new Error("close failed");
    const invoiceId = closed.invoiced[0]!.invoiceId;
    expect((await gateway().accounts.get(acct.accountId)).status).toBe("active");

    const sent = await sendInvoiceToStripe(invoiceId);
    expect(sent).toMatchObject({ outcome: "sent", charge: "declined" });
    await h.settle();
    const failed = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed.hostedUrl).toMatch(/\/i\/test_/);
    expect(await account(acct.apiKey)).toMatchObject({
      status: "suspended",
      suspensionReasons: [expect.objectContaining({ reason: "payment_failed" })],
    });
    expect((await gateway().accounts.get(acct.accountId)).status).toBe("suspended");

    // Stripe's invoice: one line per usage line, amounts in cents adding up to the whole cents due
    // ($12.345678 of usage, the $0.005678 under a cent waived at close).
    const si = await h.stripe.invoices.retrieve(failed.stripeInvoiceId!);
    expect(si).toMatchObject({ amount_due: 1234, status: "open", metadata: { headroom_invoice_id: invoiceId } });
    expect(si.lines.data.map((l) => l.amount)).toEqual([1234]);

    const pay = await callRoute(payRoute.POST, { method: "POST", apiKey: acct.apiKey, params: { id: invoiceId } });
    expect(pay).toMatchObject({ status: 200, body: { url: failed.hostedUrl } });
    expect((await submitCard(pay.body.url, "4000000000000341")).status).toBe(402);
    expect((await submitCard(pay.body.url, "4242424242424242")).status).toBe(303);
    await h.settle();
    expect(await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "paid", paidMicros: 12_345_678n });
    expect(await account(acct.apiKey)).toMatchObject({ status: "active", suspensionReasons: [], historicalSpendUsd: "12.34" });
    expect((await gateway().accounts.get(acct.accountId)).status).toBe("active");
    expect((await callRoute(payRoute.POST, { method: "POST", apiKey: acct.apiKey, params: { id: invoiceId } })).status).toBe(409);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("a 4242 card pays at once; sending again changes nothing; credits paying part show as a credit line", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    await buyCredits(acct.apiKey, 5);
    await chargeUsageAt(acct.accountId, usd(3), previousMonth(), "hr-small-8b");
    await chargeUsageAt(acct.accountId, usd(7), previousMonth(), "hr-large-405b"); // $2 from credits, $5 invoiced
    await chargeUsageAt(acct.accountId, usd(1), previousMonth(), "hr-medium-70b");
    const closed = await closeMonth({ period: previousMonth(), accountId: acct.accountId });
    if (!closed.ok) throw new Error("close failed");
    const invoiceId = closed.invoiced[0]!.invoiceId;
    const results = await sendPendingInvoices();
    expect(results).toEqual([expect.objectContaining({ outcome: "sent", charge: "paid" })]);
    expect(await sendInvoiceToStripe(invoiceId)).toMatchObject({ outcome: "skipped" });
    await h.settle();
    const invoice = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect(invoice).toMatchObject({ status: "paid", totalMicros: usd(6) });
    const si = await h.stripe.invoices.retrieve(invoice.stripeInvoiceId!);
    expect(si.amount_paid).toBe(600);
    expect(si.lines.data.reduce((sum, l) => sum + l.amount, 0)).toBe(600);
    expect((await h.stripe.invoices.list({ customer: si.customer as string })).data).toHaveLength(1);
    expect(await account(acct.apiKey)).toMatchObject({ status: "active", historicalSpendUsd: "11.00" });
  });

  it("buying credits while an invoice is failed pays it and marks it paid in Stripe too", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4000000000000341");
    await chargeUsageAt(acct.accountId, usd(20), previousMonth());
    const closed = await closeMonth({ period: previousMonth(), accountId: acct.accountId });
    if (!closed.ok) throw new Error("close failed");
    const invoiceId = closed.invoiced[0]!.invoiceId;
    await sendInvoiceToStripe(invoiceId);
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ status: "suspended" });
    await buyCredits(acct.apiKey, 50, "4242424242424242");
    expect(await account(acct.apiKey)).toMatchObject({ status: "active", creditBalanceUsd: "30.00" });
    const invoice = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect(invoice.status).toBe("paid");
    expect((await h.stripe.invoices.retrieve(invoice.stripeInvoiceId!)).status).toBe("paid");
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });
});

describe("an invoice collected by card while its invoice.paid was held back", () => {
  /** A failed $20 invoice, then paid by card on the hosted page while our webhook endpoint is down. */
  async function paidByCardUnheard() {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4000000000000341");
    await chargeUsageAt(acct.accountId, usd(20), previousMonth());
    const closed = await closeMonth({ period: previousMonth(), accountId: acct.accountId });
    if (!closed.ok) throw new Error("close failed");
    const invoiceId = closed.invoiced[0]!.invoiceId;
    await sendInvoiceToStripe(invoiceId);
    await h.settle();
    const failed = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect(failed.status).toBe("failed");
    h.webhooksDown = true;
    try {
      expect((await submitCard(failed.hostedUrl!, "4242424242424242")).status).toBe(303);
      await h.settle(); // the emulator retries, then gives up: we never heard
    } finally {
      h.webhooksDown = false;
    }
    const held = emittedEvents(h, ["invoice.paid"]).filter((e) => (e.data.object as Stripe.Invoice).id === failed.stripeInvoiceId);
    expect(held).toHaveLength(1);
    expect(await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "failed" });
    return { acct, invoiceId, heldEventId: held[0]!.id };
  }

  const externalEntries = (invoiceId: string) =>
    db().ledgerEntry.findMany({ where: { idempotencyKey: `invoice-payment:external:${invoiceId}` } });

  it("credits bought meanwhile pay it here; the settle finds the card paid it, so the credits come back, once", async () => {
    const { acct, invoiceId, heldEventId } = await paidByCardUnheard();
    await buyCredits(acct.apiKey, 50);
    // The card's $20 is the invoice's payment (historical spend); the $50 bought stay whole.
    expect(await account(acct.apiKey)).toMatchObject({ status: "active", creditBalanceUsd: "50.00", historicalSpendUsd: "70.00" });
    expect(await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "paid" });
    expect(await externalEntries(invoiceId)).toEqual([
      expect.objectContaining({ amountMicros: usd(20), creditMicros: -usd(20), invoiceMicros: usd(20) }),
    ]);

    // The held invoice.paid arriving at last changes nothing more.
    expect(h.emulator.resendEvent(heldEventId)).toHaveLength(1);
    await h.settle();
    expect(h.answers.filter((a) => a.eventId === heldEventId).at(-1)).toMatchObject({ status: 200 });
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "50.00", historicalSpendUsd: "70.00" });
    expect(await externalEntries(invoiceId)).toHaveLength(1);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
    const notes = await db().notification.findMany({
      where: { accountId: acct.accountId, dedupeKey: `invoice:${invoiceId}:collected-after-credits` },
    });
    expect(notes).toHaveLength(1);
  });

  it("credits granted with no settle in between: the late invoice.paid itself returns them", async () => {
    const { acct, invoiceId, heldEventId } = await paidByCardUnheard();
    const granted = await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(30),
      idempotencyKey: `test-grant-${invoiceId}`,
      kind: "credit_purchase",
    });
    expect(granted).toMatchObject({ ok: true, granted: true, paidInvoices: [expect.objectContaining({ invoiceId, fullyPaid: true })] });
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "10.00", historicalSpendUsd: "30.00" });

    expect(h.emulator.resendEvent(heldEventId)).toHaveLength(1);
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ status: "active", creditBalanceUsd: "30.00", historicalSpendUsd: "50.00" });
    // Delivered again, and the settle sweep afterwards: nothing more.
    h.emulator.resendEvent(heldEventId);
    await h.settle();
    expect(await settleInvoiceInStripe(invoiceId)).toMatchObject({ outcome: "not_needed" });
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "30.00", historicalSpendUsd: "50.00" });
    expect(await externalEntries(invoiceId)).toHaveLength(1);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("an invoice the card pays when sent is recorded paid at once, so credits bought before its webhook do not pay it again", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    await chargeUsageAt(acct.accountId, usd(3), previousMonth());
    const closed = await closeMonth({ period: previousMonth(), accountId: acct.accountId });
    if (!closed.ok) throw new Error("close failed");
    const invoiceId = closed.invoiced[0]!.invoiceId;
    h.webhooksDown = true;
    try {
      expect(await sendInvoiceToStripe(invoiceId)).toMatchObject({ outcome: "sent", charge: "paid" });
      expect(await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "paid", paidMicros: usd(3) });
      await h.settle();
    } finally {
      h.webhooksDown = false;
    }
    await buyCredits(acct.apiKey, 20);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "20.00", historicalSpendUsd: "23.00" });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });
});

describe("auto top-up charges the saved card off-session", () => {
  it("grants once per attempt key (the charge and its webhook agree), and a declining card grants nothing", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    await db().autoTopUp.create({
      data: { accountId: acct.accountId, enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) },
    });
    const run = await runAutoTopUp(acct.accountId, savedCardPayments);
    expect(run).toMatchObject({ outcome: "topped_up", amountMicros: usd(20) });
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "20.00", historicalSpendUsd: "20.00" });
    if (run.outcome !== "topped_up") throw new Error("not topped up");
    // Charging again with the same key is Stripe-idempotent: no second PaymentIntent.
    expect(await chargeSavedCard(acct.accountId, usd(20), run.idempotencyKey)).toMatchObject({ ok: true });
    const pis = await h.stripe.paymentIntents.list({
      customer: (await db().account.findUniqueOrThrow({ where: { id: acct.accountId } })).stripeCustomerId!,
    });
    expect(pis.data.filter((p) => p.metadata.headroom_purchase_key === run.idempotencyKey)).toHaveLength(1);
    expect(await db().payment.findFirstOrThrow({ where: { accountId: acct.accountId, purpose: "auto_top_up" } })).toMatchObject({
      status: "succeeded",
      amountMicros: usd(20),
    });

    const declining = await createAccountFixture({ tier: "tier0" });
    await addCard(declining.apiKey, "4000000000000341");
    await db().autoTopUp.create({
      data: { accountId: declining.accountId, enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) },
    });
    expect(await runAutoTopUp(declining.accountId, savedCardPayments)).toMatchObject({
      outcome: "charge_failed",
      message: "Your card was declined.",
    });
    await h.settle();
    expect(await account(declining.apiKey)).toMatchObject({ creditBalanceUsd: "0.00" });
    expect(await db().payment.findFirstOrThrow({ where: { accountId: declining.accountId } })).toMatchObject({
      status: "failed",
      purpose: "auto_top_up",
    });
  });
});

describe("auto top-up refused by the payment service", () => {
  it("a card the payment service no longer has is a failure the owner hears about, not an attempt left open", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    // Removed at the payment service but still on file here.
    await db().paymentMethod.updateMany({ where: { accountId: acct.accountId }, data: { stripePaymentMethodId: "pm_removed_elsewhere" } });
    await db().autoTopUp.create({
      data: { accountId: acct.accountId, enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) },
    });
    expect(await runAutoTopUp(acct.accountId, savedCardPayments)).toMatchObject({
      outcome: "charge_failed",
      message: "the payment service refused the charge; check your saved card on the Billing page",
    });
    const notice = await db().notification.findFirstOrThrow({ where: { accountId: acct.accountId, kind: "auto_top_up_failed" } });
    expect(notice.body).toContain("check your saved card");
    expect(notice.body).not.toMatch(/pm_removed_elsewhere|Invalid `|\/lib\//);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00" });
  });
});

describe("auto top-up after an outage", () => {
  /** A card on file, auto top-up on, and charges whose answer is lost: they reach the payment service, the caller hears an error. */
  async function withLostAnswers(card: string) {
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, card);
    await setAutoTopUp(
      acct.accountId,
      { enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) },
      acct.ownerId,
    );
    const answerLost: TopUpPayments = {
      charge: async (...args) => {
        await chargeSavedCard(...args);
        throw new Error("socket hang up");
      },
      findCharge: findSavedCardCharge,
    };
    // The attempts' clock: the last three hours (the payment service stamps intents with the real
    // time, and the look-up lists them from the first try), never across the start of the month.
    const t0 = Math.max(Date.now() - 3 * 60 * 60_000, monthStart(new Date()).getTime() + 60_000);
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    const customer = async () => (await db().account.findUniqueOrThrow({ where: { id: acct.accountId } })).stripeCustomerId!;
    return { acct, answerLost, at, customer };
  }

  it("a charge whose answer and webhook were both lost is found at the payment service by its key: granted once, never charged twice", async () => {
    const { acct, answerLost, at, customer } = await withLostAnswers("4242424242424242");
    h.webhooksDown = true; // our endpoint is down until the payment service gives up on the event
    try {
      for (let i = 0; i <= 6; i++)
        expect(await runAutoTopUp(acct.accountId, answerLost, at(11 * i))).toMatchObject({ outcome: "charge_unknown" });
      expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00" });
      // No more retries under its key: the attempt is closed unconfirmed, and its charge looked up and granted.
      expect(await runAutoTopUp(acct.accountId, savedCardPayments, at(77))).toMatchObject({
        outcome: "topped_up",
        idempotencyKey: expect.stringMatching(/:1$/),
        amountMicros: usd(20),
      });
      await h.settle();
    } finally {
      h.webhooksDown = false;
    }
    const intents = await h.stripe.paymentIntents.list({ customer: await customer() });
    expect(intents.data.map((pi) => [pi.status, pi.amount])).toEqual([["succeeded", 2000]]);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "20.00" });
    // Recorded as a payment (so it can be refunded), as the webhook would have.
    expect(await db().payment.findFirstOrThrow({ where: { accountId: acct.accountId, purpose: "auto_top_up" } })).toMatchObject({
      status: "succeeded",
      amountMicros: usd(20),
      stripePaymentIntentId: intents.data[0]!.id,
    });
    // The webhook delivered late (the payment service's retry, or a resend) changes nothing.
    const cust = await customer();
    const succeeded = emittedEvents(h, ["payment_intent.succeeded"]).find(
      (e) => (e.data.object as Stripe.PaymentIntent).customer === cust,
    )!;
    expect((await h.deliver(eventPayload(h, succeeded.id))).status).toBe(200);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "20.00" });
  });

  it("a declined charge whose answer was lost is cancelled at the payment service before a new attempt", async () => {
    const { acct, answerLost, at, customer } = await withLostAnswers("4000000000000341");
    for (let i = 0; i <= 6; i++)
      expect(await runAutoTopUp(acct.accountId, answerLost, at(11 * i))).toMatchObject({ outcome: "charge_unknown" });
    // Looked up: declined and still open (it could be confirmed again), so it is cancelled; then the hour's back-off.
    expect(await runAutoTopUp(acct.accountId, savedCardPayments, at(77))).toEqual({ outcome: "backing_off" });
    expect((await h.stripe.paymentIntents.list({ customer: await customer() })).data.map((pi) => pi.status)).toEqual(["canceled"]);
    // A new attempt, under a new key, is declined as usual.
    expect(await runAutoTopUp(acct.accountId, savedCardPayments, at(137))).toMatchObject({
      outcome: "charge_failed",
      idempotencyKey: expect.stringMatching(/:2$/),
    });
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00" });
  });
});

describe("auto top-up run by an operator on demand", () => {
  it("the job behind POST /api/operator/jobs/auto-top-up charges the saved card in Stripe (no scheduler involved)", async () => {
    const operator = await createAccountFixture({ name: "Platform staff" });
    await db().user.update({ where: { id: operator.ownerId }, data: { isOperator: true } });
    const acct = await createAccountFixture({ tier: "tier0" });
    await addCard(acct.apiKey, "4242424242424242");
    await db().autoTopUp.create({
      data: { accountId: acct.accountId, enabled: true, thresholdMicros: usd(5), amountMicros: usd(25), monthlyMaxMicros: usd(100) },
    });
    const res = await callRoute(jobsRoute.POST, {
      method: "POST",
      apiKey: operator.apiKey,
      params: { job: "auto-top-up" },
      body: { accountId: acct.accountId },
    });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({ candidates: 1, outcomes: [{ accountId: acct.accountId, outcome: "topped_up" }] });
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "25.00", historicalSpendUsd: "25.00" });
    // A real off-session PaymentIntent on the saved card, in Stripe.
    const { stripeCustomerId } = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    const pis = await h.stripe.paymentIntents.list({ customer: stripeCustomerId! });
    expect(pis.data).toEqual([
      expect.objectContaining({
        status: "succeeded",
        amount: 2500,
        metadata: expect.objectContaining({ headroom_purpose: "auto_top_up" }),
      }),
    ]);
  });
});

describe("refunds", () => {
  it("a refund in Stripe takes the unspent credits back, once per refund, never more than bought", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const bought = await buyCredits(acct.apiKey, 40);
    const first = await refundCreditPurchase({ accountId: acct.accountId, purchaseKey: bought.sessionId, amountMicros: usd(15) });
    expect(first).toMatchObject({ ok: true, status: "succeeded" });
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "25.00", historicalSpendUsd: "25.00", tier: "tier1" });
    const rest = await refundCreditPurchase({ accountId: acct.accountId, purchaseKey: bought.sessionId });
    expect(rest).toMatchObject({ ok: true });
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00", historicalSpendUsd: "0.00" });
    expect(await db().payment.findFirstOrThrow({ where: { accountId: acct.accountId } })).toMatchObject({
      status: "refunded",
      refundedMicros: usd(40),
    });
    expect(await refundCreditPurchase({ accountId: acct.accountId, purchaseKey: bought.sessionId })).toMatchObject({
      ok: false,
      reason: "fully_refunded",
    });
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, kind: "refund" } })).toBe(2);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });
});

describe("a refund that is pending at first", () => {
  it("takes the credits back only once it succeeds (refund.updated), once, though two events say so", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const bought = await buyCredits(acct.apiKey, 40, "4000000000007726"); // its refunds are pending for a minute
    const before = await account(acct.apiKey);
    const refund = await refundCreditPurchase({ accountId: acct.accountId, purchaseKey: bought.sessionId, amountMicros: usd(15) });
    expect(refund).toMatchObject({ ok: true, status: "pending" });
    await h.settle();
    // charge.refunded came, but the money has not gone back yet (a pending refund may still fail).
    expect(await account(acct.apiKey)).toMatchObject({
      creditBalanceUsd: before.creditBalanceUsd,
      historicalSpendUsd: before.historicalSpendUsd,
    });
    expect(await db().payment.findFirstOrThrow({ where: { accountId: acct.accountId } })).toMatchObject({ refundedMicros: 0n });

    // A minute later it succeeds: refund.updated and charge.refund.updated.
    expect(h.emulator.advance(61)).toMatchObject({ settledRefunds: 1 });
    await h.settle();
    const types = h.answers.slice(-2).map((a) => [a.type, a.status]);
    expect(types).toEqual(
      expect.arrayContaining([
        ["refund.updated", 200],
        ["charge.refund.updated", 200],
      ]),
    );
    const after = await account(acct.apiKey);
    expect(parseUsd(after.creditBalanceUsd)).toBe(parseUsd(before.creditBalanceUsd) - usd(15));
    expect(parseUsd(after.historicalSpendUsd)).toBe(parseUsd(before.historicalSpendUsd) - usd(15));
    expect(await db().payment.findFirstOrThrow({ where: { accountId: acct.accountId } })).toMatchObject({ refundedMicros: usd(15) });
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, kind: "refund" } })).toBe(1);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });
});

describe("operator refunds", () => {
  it("an operator refunds part, then the rest, of a purchase through the API: audited, credits back once each", async () => {
    const operator = await createAccountFixture({ name: "Platform staff" });
    await db().user.update({ where: { id: operator.ownerId }, data: { isOperator: true } });
    const acct = await createAccountFixture({ tier: "tier1" });
    const bought = await buyCredits(acct.apiKey, 60);
    const refund = (body: unknown, headers: Record<string, string> = {}) =>
      callRoute(refundsRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { id: acct.accountId }, body, headers });

    const listed = await callRoute(purchasesRoute.GET, { apiKey: operator.apiKey, params: { id: acct.accountId } });
    expect(listed).toMatchObject({
      status: 200,
      body: { purchases: [{ id: bought.sessionId, purpose: "credits", status: "succeeded", amountUsd: "60.00", refundableUsd: "60.00" }] },
    });

    const once = { "idempotency-key": "refund-request-1" };
    const first = await refund({ purchaseId: bought.sessionId, amountUsd: "15.50", reason: "customer asked" }, once);
    expect(first).toMatchObject({ status: 201, body: { purchaseId: bought.sessionId, amountUsd: "15.50", status: "succeeded" } });
    expect(first.body.refundId).toMatch(/^re_/);
    await h.settle();
    // The same request again with its key (a retry after the webhook took the credits back): the same refund.
    const again = await refund({ purchaseId: bought.sessionId, amountUsd: "15.50", reason: "customer asked" }, once);
    expect(again).toMatchObject({ status: 201, body: { refundId: first.body.refundId } });
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "44.50", historicalSpendUsd: "44.50" });
    const audit = await db().auditLog.findMany({ where: { accountId: acct.accountId, action: "refund.requested" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: operator.ownerId,
      detail: { purchaseId: bought.sessionId, refundId: first.body.refundId, amountUsd: "15.50", reason: "customer asked" },
    });

    // Without an amount: all that is left.
    const rest = await refund({ purchaseId: bought.sessionId, reason: "closing the account" });
    expect(rest).toMatchObject({ status: 201, body: { amountUsd: "44.50" } });
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00", historicalSpendUsd: "0.00" });
    expect((await callRoute(purchasesRoute.GET, { apiKey: operator.apiKey, params: { id: acct.accountId } })).body.purchases).toEqual([
      expect.objectContaining({ status: "refunded", refundedUsd: "60.00", refundableUsd: "0.00" }),
    ]);
    expect(await refund({ purchaseId: bought.sessionId, reason: "again" })).toMatchObject({ status: 409 });
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, kind: "refund" } })).toBe(2);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("validates the body, names the field, and refuses other accounts' purchases and non-operators", async () => {
    const operator = await createAccountFixture({ name: "Platform staff" });
    await db().user.update({ where: { id: operator.ownerId }, data: { isOperator: true } });
    const acct = await createAccountFixture({ tier: "tier1" });
    const other = await createAccountFixture({ tier: "tier1" });
    const bought = await buyCredits(acct.apiKey, 10);
    const refund = (body: unknown, id = acct.accountId, apiKey = operator.apiKey, headers: Record<string, string> = {}) =>
      callRoute(refundsRoute.POST, { method: "POST", apiKey, params: { id }, body, headers });
    const bad = [
      [{ purchaseId: bought.sessionId, amountUsd: "10.01", reason: "x" }, "amountUsd"],
      [{ purchaseId: bought.sessionId, amountUsd: "0", reason: "x" }, "amountUsd"],
      [{ purchaseId: bought.sessionId, amountUsd: "1.005", reason: "x" }, "amountUsd"],
      [{ purchaseId: bought.sessionId, amountUsd: -1, reason: "x" }, "amountUsd"],
      [{ purchaseId: bought.sessionId }, "reason"],
      // jsonb (the audit detail) cannot hold a lone surrogate: refused at the edge, not a 500.
      [{ purchaseId: bought.sessionId, reason: "\ud800" }, "reason"],
      [{ purchaseId: "", reason: "x" }, "purchaseId"],
    ] as const;
    expect(
      (await refund({ purchaseId: bought.sessionId, reason: "x" }, acct.accountId, operator.apiKey, { "idempotency-key": "has space" }))
        .body.error,
    ).toMatchObject({ param: "Idempotency-Key" });
    for (const [body, param] of bad) {
      const res = await refund(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.param, JSON.stringify(body)).toBe(param);
    }
    expect((await refund({ purchaseId: bought.sessionId, reason: "x" }, other.accountId)).status).toBe(404);
    expect((await refund({ purchaseId: "cs_nope", reason: "x" })).status).toBe(404);
    expect((await refund({ purchaseId: bought.sessionId, reason: "x" }, acct.accountId, acct.apiKey)).status).toBe(403);
    expect((await callRoute(purchasesRoute.GET, { apiKey: acct.apiKey, params: { id: acct.accountId } })).status).toBe(403);
    expect((await callRoute(purchasesRoute.GET, { apiKey: operator.apiKey, params: { id: "no-such-account" } })).status).toBe(404);
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "10.00" });
    expect(await db().auditLog.count({ where: { accountId: acct.accountId, action: "refund.requested" } })).toBe(0);
  });
});

describe("the demo account's card", () => {
  it("replaces the placeholder with a real emulator customer and 4242 card, idempotently", async () => {
    const acct = await createAccountFixture({ tier: "tier1", paymentMethod: false });
    await db().paymentMethod.create({
      data: {
        accountId: acct.accountId,
        stripePaymentMethodId: `pm_demo_${acct.accountId}`,
        brand: "visa",
        last4: "4242",
        expMonth: 12,
        expYear: 2030,
      },
    });
    expect(await ensureDemoCard(acct.accountId)).toBe("saved");
    expect(await ensureDemoCard(acct.accountId)).toBe("present");
    const methods = await db().paymentMethod.findMany({ where: { accountId: acct.accountId } });
    expect(methods).toEqual([expect.objectContaining({ last4: "4242", isDefault: true, detachedAt: null })]);
    expect(methods[0]!.stripePaymentMethodId).toMatch(/^pm_/);
    expect(methods[0]!.stripePaymentMethodId).not.toMatch(/^pm_demo_/);
    const pm = await h.stripe.paymentMethods.retrieve(methods[0]!.stripePaymentMethodId);
    const { stripeCustomerId } = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(pm.customer).toBe(stripeCustomerId);
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier1", status: "active", hasPaymentMethod: true });
  });
});

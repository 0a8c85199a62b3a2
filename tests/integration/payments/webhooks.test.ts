// The webhook endpoint's guarantees (SPEC §11, STYLE rules 6–7): only verified, fresh events are
// processed; each event id is recorded once; credits are granted exactly once whatever the number,
// order or concurrency of deliveries; out-of-order events end in the right state; failed work
// answers 5xx so Stripe retries.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { closeMonth } from "@/lib/billing/close-month";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { sendInvoiceToStripe } from "@/lib/payments/invoices/send-invoice";
import { setStripeClient } from "@/lib/payments/stripe-client";
import * as checkoutRoute from "@/app/api/v1/credits/checkout/route";
import * as setupRoute from "@/app/api/v1/payment-methods/setup/route";
import * as accountRoute from "@/app/api/v1/account/route";
import { chargeUsageAt, emittedEvents, eventPayload, previousMonth, setupPayments, submitCard } from "./harness";

setupTestDatabase();
const h = setupPayments();

const account = async (apiKey: string) => (await callRoute(accountRoute.GET, { apiKey })).body;
const eventCount = () => db().stripeEvent.count();

/** Run `work` with the emulator's deliveries to us switched off; returns the events it emitted meanwhile. */
async function withoutDeliveries(work: () => Promise<void>): Promise<Stripe.Event[]> {
  await h.settle();
  const before = new Set(Object.keys(h.emulator.state().events));
  const urls = h.emulator.webhookUrls();
  h.emulator.setWebhookUrls([]);
  try {
    await work();
  } finally {
    h.emulator.setWebhookUrls(urls);
  }
  return emittedEvents(h).filter((e) => !before.has(e.id));
}

/** A paid $amount Checkout Session whose webhooks were not delivered; returns its completion event. */
async function paidSessionNotDelivered(apiKey: string, amountUsd: number) {
  let sessionId = "";
  const events = await withoutDeliveries(async () => {
    const res = await callRoute(checkoutRoute.POST, { method: "POST", apiKey, body: { amountUsd } });
    sessionId = res.body.sessionId;
    expect((await submitCard(res.body.url, "4242424242424242")).status).toBe(303);
  });
  const completed = events.find((e) => e.type === "checkout.session.completed");
  if (!completed) throw new Error("no checkout.session.completed");
  return { sessionId, events, completed, payload: eventPayload(h, completed.id) };
}

describe("signature verification", () => {
  it("refuses a tampered payload, a wrong secret, a missing or stale signature with 400, recording nothing", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const { completed, payload } = await paidSessionNotDelivered(acct.apiKey, 100);
    const events = await eventCount();
    const ledger = await db().ledgerEntry.count();

    const signature = h.stripe.webhooks.generateTestHeaderString({ payload, secret: h.secret });
    const tampered = payload.replace('"amount_total": 10000', '"amount_total": 9999900');
    expect(tampered).not.toBe(payload);
    const refusals = [
      await h.deliver(tampered, { signature }),
      await h.deliver(payload, { secret: "whsec_not_the_right_one" }),
      await h.deliver(payload, { signature: null }),
      await h.deliver(payload, { signature: "t=123,v1=deadbeef" }),
      await h.deliver(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(await eventCount()).toBe(events);
    expect(await db().ledgerEntry.count()).toBe(ledger);
    expect(await db().stripeEvent.findUnique({ where: { id: completed.id } })).toBeNull();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00", tier: "tier1" });

    // Within Stripe's 300 s tolerance, the genuine delivery is processed.
    const ok = await h.deliver(payload, { timestamp: Math.floor(Date.now() / 1000) - 250 });
    expect(ok).toEqual({ status: 200, body: { received: true, result: "applied" } });
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "100.00", tier: "tier2" });
  });

  it("emulator objects parse with the SDK's types and every signed delivery verifies with constructEvent", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    const res = await callRoute(setupRoute.POST, { method: "POST", apiKey: acct.apiKey });
    await submitCard(res.body.url, "4242424242424242");
    await h.settle();
    const stripe = new Stripe("sk_test_x");
    let checked = 0;
    for (const e of emittedEvents(h)) {
      const payload = JSON.stringify(e);
      const event = stripe.webhooks.constructEvent(
        payload,
        stripe.webhooks.generateTestHeaderString({ payload, secret: h.secret }),
        h.secret,
      );
      expect(event).toEqual(e);
      if (event.type === "checkout.session.completed") {
        const session: Stripe.Checkout.Session = event.data.object;
        expect(session.object).toBe("checkout.session");
        expect(["payment", "setup"]).toContain(session.mode);
      }
      if (event.type === "setup_intent.succeeded") expect(typeof event.data.object.payment_method).toBe("string");
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
    // What the emulator signed and sent, our route verified: no delivery was refused or failed.
    const deliveries = h.emulator.deliveries();
    expect(deliveries.length).toBeGreaterThan(5);
    expect(deliveries.filter((d) => d.status !== "succeeded")).toEqual([]);
    expect(deliveries.flatMap((d) => d.attempts).filter((a) => a.status === 400)).toEqual([]);
  });

  it("acknowledges event types it does not handle without recording them", async () => {
    const customer = await h.stripe.customers.create({ name: "Someone else" });
    const created = emittedEvents(h, ["customer.created"]).find((e) => (e.data.object as Stripe.Customer).id === customer.id)!;
    const res = await h.deliver(eventPayload(h, created.id));
    expect(res).toEqual({ status: 200, body: { received: true, result: "ignored" } });
    expect(await db().stripeEvent.findUnique({ where: { id: created.id } })).toBeNull();
  });
});

describe("setup sessions", () => {
  it("a checkout.session.completed whose SetupIntent did not succeed saves no card and leaves the session open", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    const setup = await callRoute(setupRoute.POST, { method: "POST", apiKey: acct.apiKey });
    expect(setup.status).toBe(200);
    const sessionId: string = setup.body.sessionId;
    // No card was entered: the SetupIntent still requires a payment method. A (late, replayed or
    // forged-but-signed) completion event for the session must not count as a card on file.
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    const event = {
      id: `evt_setup_unfinished_${sessionId}`,
      object: "event",
      type: "checkout.session.completed",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      api_version: "2025-01-27.acacia",
      data: { object: { ...session, status: "complete" } },
    };
    const res = await h.deliver(JSON.stringify(event));
    expect(res.status).toBe(200);
    expect(res.body.result).toBe("ignored");
    expect(await db().paymentMethod.count({ where: { accountId: acct.accountId } })).toBe(0);
    expect(await db().checkoutSession.findFirstOrThrow({ where: { stripeSessionId: sessionId } })).toMatchObject({ status: "open" });
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier0", hasPaymentMethod: false });

    // The card entered for real completes it.
    await submitCard(setup.body.url, "4242424242424242");
    await h.settle();
    expect(await db().checkoutSession.findFirstOrThrow({ where: { stripeSessionId: sessionId } })).toMatchObject({ status: "complete" });
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier1", hasPaymentMethod: true });
  });
});

describe("the event id and its effect in one transaction", () => {
  /** While `work` runs, every INSERT into "Payment" does `action` first (inside the inserting transaction). */
  async function withPaymentInsertTrigger(action: string, work: () => Promise<void>): Promise<void> {
    await db().$executeRawUnsafe(`CREATE OR REPLACE FUNCTION headroom_test_trigger() RETURNS trigger AS $$
      BEGIN ${action}; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db().$executeRawUnsafe(
      `CREATE TRIGGER headroom_test_trigger BEFORE INSERT ON "Payment" FOR EACH ROW EXECUTE FUNCTION headroom_test_trigger()`,
    );
    try {
      await work();
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER IF EXISTS headroom_test_trigger ON "Payment"`);
    }
  }

  it("a failure after the event row and the credits were written rolls back both: 5xx, nothing kept; the retry applies", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const { sessionId, completed, payload } = await paidSessionNotDelivered(acct.apiKey, 50);
    // The handler inserts the event row, grants the credits (ledger entry, balance, tier), then
    // records the Payment row — which fails here, last of all.
    await withPaymentInsertTrigger("RAISE EXCEPTION 'injected failure after the credits were granted'", async () => {
      expect((await h.deliver(payload)).status).toBe(500);
    });
    expect(await db().stripeEvent.findUnique({ where: { id: completed.id } })).toBeNull();
    expect(await db().ledgerEntry.count({ where: { idempotencyKey: `credits:${sessionId}` } })).toBe(0);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00", historicalSpendUsd: "0.00", tier: "tier1" });

    // Stripe's retry: the whole effect, once, with its event row.
    expect(await h.deliver(payload)).toEqual({ status: 200, body: { received: true, result: "applied" } });
    expect(await db().stripeEvent.findUnique({ where: { id: completed.id } })).toMatchObject({ accountId: acct.accountId });
    expect(await db().ledgerEntry.count({ where: { idempotencyKey: `credits:${sessionId}` } })).toBe(1);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "50.00", historicalSpendUsd: "50.00" });
  });

  it("at no moment does the event row exist without its ledger entry, or the entry without the row", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const { sessionId, completed, payload } = await paidSessionNotDelivered(acct.apiKey, 20);
    // One statement, one snapshot: both rows counted as another connection would see them.
    const sample = async () => {
      const [row] = await db().$queryRaw<{ events: bigint; entries: bigint }[]>`
        SELECT (SELECT count(*) FROM "StripeEvent" WHERE "id" = ${completed.id}) AS events,
               (SELECT count(*) FROM "LedgerEntry" WHERE "idempotencyKey" = ${`credits:${sessionId}`}) AS entries`;
      return [Number(row!.events), Number(row!.entries)] as const;
    };
    const samples: (readonly [number, number])[] = [];
    let delivering = true;
    const watcher = (async () => {
      while (delivering) {
        samples.push(await sample());
        // Yield to the event loop: PGlite answers in-process (microtasks only), so a tight loop of
        // queries would keep the deliveries' sockets from ever being read.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    // The Payment row is written last: a pause there holds the transaction open after the event row
    // and the ledger entry were written, for the watcher to look.
    let answers: Awaited<ReturnType<typeof h.deliver>>[] = [];
    await withPaymentInsertTrigger("PERFORM pg_sleep(0.3)", async () => {
      answers = await Promise.all(Array.from({ length: 5 }, () => h.deliver(payload)));
    });
    delivering = false;
    await watcher;
    samples.push(await sample());
    expect(answers.filter((a) => a.body.result === "applied")).toHaveLength(1);
    expect(samples.length).toBeGreaterThan(1);
    expect(samples.filter(([events, entries]) => events !== entries)).toEqual([]);
    expect(samples.at(-1)).toEqual([1, 1]);
  });
});

describe("exactly once", () => {
  it("events in reverse order end in the right state: a refund before its purchase is retried, then applied", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const events = await withoutDeliveries(async () => {
      const res = await callRoute(checkoutRoute.POST, { method: "POST", apiKey: acct.apiKey, body: { amountUsd: 30 } });
      await submitCard(res.body.url, "4242424242424242");
      // Refunded in the Dashboard before Headroom heard of the purchase.
      const session = await h.stripe.checkout.sessions.retrieve(res.body.sessionId);
      await h.stripe.refunds.create({ payment_intent: session.payment_intent as string });
    });
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    const refunded = events.find((e) => e.type === "charge.refunded")!;
    expect(events.indexOf(completed)).toBeLessThan(events.indexOf(refunded));

    // Newest first: the refund cannot apply before the credits exist → 503 (Stripe retries), nothing recorded.
    const early = await h.deliver(eventPayload(h, refunded.id));
    expect(early.status).toBe(503);
    expect(await db().stripeEvent.findUnique({ where: { id: refunded.id } })).toBeNull();
    expect((await h.deliver(eventPayload(h, completed.id))).body.result).toBe("applied");
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "30.00" });
    // Stripe's retry of the refund now applies.
    expect((await h.deliver(eventPayload(h, refunded.id))).body.result).toBe("applied");
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00", historicalSpendUsd: "0.00" });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("a card, a failed invoice and its payment on the hosted page, delivered newest first, end paid and active", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    let invoiceId = "";
    const events = await withoutDeliveries(async () => {
      const setup = await callRoute(setupRoute.POST, { method: "POST", apiKey: acct.apiKey });
      await submitCard(setup.body.url, "4000000000000341");
      // The card's webhooks are held back, so record it the way its first event would, to let month close invoice.
      const si = emittedEvents(h, ["setup_intent.succeeded"]).at(-1)!;
      expect((await h.deliver(eventPayload(h, si.id))).body.result).toBe("applied");
      await chargeUsageAt(acct.accountId, usd(9), previousMonth());
      const closed = await closeMonth({ period: previousMonth(), accountId: acct.accountId });
      if (!closed.ok) throw new Error("close failed");
      invoiceId = closed.invoiced[0]!.invoiceId;
      expect(await sendInvoiceToStripe(invoiceId)).toMatchObject({ outcome: "sent", charge: "declined" });
      const invoice = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } });
      expect((await submitCard(invoice.hostedUrl!, "4242424242424242")).status).toBe(303);
    });
    const handled = events.filter((e) =>
      [
        "checkout.session.completed",
        "setup_intent.succeeded",
        "payment_method.attached",
        "invoice.finalized",
        "invoice.payment_failed",
        "invoice.paid",
      ].includes(e.type),
    );
    expect(handled.map((e) => e.type)).toEqual(
      expect.arrayContaining(["invoice.finalized", "invoice.payment_failed", "invoice.paid", "checkout.session.completed"]),
    );
    const failedFirst = handled.findIndex((e) => e.type === "invoice.payment_failed");
    const paidAt = handled.findIndex((e) => e.type === "invoice.paid");
    expect(failedFirst).toBeLessThan(paidAt);
    for (const e of [...handled].reverse()) expect((await h.deliver(eventPayload(h, e.id))).status).toBe(200);
    expect(await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "paid" });
    expect(await account(acct.apiKey)).toMatchObject({
      status: "active",
      tier: "tier1",
      suspensionReasons: [],
      historicalSpendUsd: "9.00",
    });
    // And in order again (Stripe's retries): all duplicates, nothing moves.
    for (const e of handled) expect((await h.deliver(eventPayload(h, e.id))).body.result).toBe("duplicate");
    expect(await account(acct.apiKey)).toMatchObject({ status: "active", historicalSpendUsd: "9.00" });
  });

  it("work that fails answers 5xx and records nothing; the retry succeeds", async () => {
    const acct = await createAccountFixture({ tier: "tier0" });
    const events = await withoutDeliveries(async () => {
      const setup = await callRoute(setupRoute.POST, { method: "POST", apiKey: acct.apiKey });
      await submitCard(setup.body.url, "4242424242424242");
    });
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    // Stripe unreachable while the handler looks the card up.
    setStripeClient(new Stripe("sk_test_x", { host: "127.0.0.1", port: 1, protocol: "http", maxNetworkRetries: 0 }));
    try {
      expect((await h.deliver(eventPayload(h, completed.id))).status).toBe(500);
    } finally {
      setStripeClient(undefined);
    }
    expect(await db().stripeEvent.findUnique({ where: { id: completed.id } })).toBeNull();
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier0", hasPaymentMethod: false });
    expect((await h.deliver(eventPayload(h, completed.id))).body.result).toBe("applied");
    expect(await account(acct.apiKey)).toMatchObject({ tier: "tier1", hasPaymentMethod: true });
  });

  // Last: it moves the emulator's clock a day forward.
  it("the same checkout.session.completed delivered 10 times at once, and again a day later, grants the credits once", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const { sessionId, completed, payload } = await paidSessionNotDelivered(acct.apiKey, 100);
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.deliver(payload)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((a) => a.body.result === "applied")).toHaveLength(1);
    expect(answers.filter((a) => a.body.result === "duplicate")).toHaveLength(9);
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, idempotencyKey: `credits:${sessionId}` } })).toBe(1);
    expect(await db().stripeEvent.count({ where: { id: completed.id } })).toBe(1);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "100.00", historicalSpendUsd: "100.00", tier: "tier2" });

    // A day later Stripe delivers it once more (signed anew, as every attempt is).
    h.emulator.advance(24 * 3600);
    expect(h.emulator.resendEvent(completed.id)).toHaveLength(1);
    await h.settle();
    expect(h.answers.filter((a) => a.eventId === completed.id).at(-1)).toMatchObject({ status: 200 });
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, kind: "credit_purchase" } })).toBe(1);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "100.00", historicalSpendUsd: "100.00", tier: "tier2" });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });
});

// An auto top-up is a refundable credit purchase from the moment its credits are granted (SPEC §4,
// §11): the grant records its Payment row with the charge's PaymentIntent, so it is listed and can
// be refunded — by an operator or in the Stripe Dashboard — even if its payment_intent.succeeded
// webhook is late or never arrives; and that webhook, whenever it comes, finds the same row.
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { runAutoTopUp, type TopUpPayments } from "@/lib/billing/run-auto-top-up";
import { setAutoTopUp } from "@/lib/billing/auto-top-up-settings";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { chargeSavedCard } from "@/lib/payments/charge-saved-card";
import { savedCardPayments } from "@/lib/payments/saved-card-payments";
import * as setupRoute from "@/app/api/v1/payment-methods/setup/route";
import * as accountRoute from "@/app/api/v1/account/route";
import * as refundsRoute from "@/app/api/operator/accounts/[id]/refunds/route";
import * as purchasesRoute from "@/app/api/operator/accounts/[id]/purchases/route";
import { emittedEvents, eventPayload, setupPayments, submitCard } from "./harness";

setupTestDatabase();
const h = setupPayments();

const account = async (apiKey: string) => (await callRoute(accountRoute.GET, { apiKey })).body;

/** An account with a 4242 card on file and auto top-up on ($20 below $5), and an operator. */
async function withAutoTopUp() {
  const operator = await createAccountFixture({ name: "Platform staff" });
  await db().user.update({ where: { id: operator.ownerId }, data: { isOperator: true } });
  const acct = await createAccountFixture({ tier: "tier0" });
  const setup = await callRoute(setupRoute.POST, { method: "POST", apiKey: acct.apiKey });
  expect((await submitCard(setup.body.url, "4242424242424242")).status).toBe(303);
  await h.settle();
  await setAutoTopUp(
    acct.accountId,
    { enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) },
    acct.ownerId,
  );
  const purchases = async () =>
    (await callRoute(purchasesRoute.GET, { apiKey: operator.apiKey, params: { id: acct.accountId } })).body.purchases;
  const refund = (body: unknown) =>
    callRoute(refundsRoute.POST, { method: "POST", apiKey: operator.apiKey, params: { id: acct.accountId }, body });
  return { acct, purchases, refund };
}

/** Auto top-up with our webhook endpoint down until the payment service gives up on its events. */
async function topUpWhileWebhooksDown(accountId: string) {
  h.webhooksDown = true;
  try {
    const run = await runAutoTopUp(accountId, savedCardPayments);
    if (run.outcome !== "topped_up") throw new Error(`expected a top-up, got ${run.outcome}`);
    await h.settle();
    return run;
  } finally {
    h.webhooksDown = false;
  }
}

/** The PaymentIntent the top-up charged, and its payment_intent.succeeded event. */
async function chargeOf(accountId: string) {
  const { stripeCustomerId } = await db().account.findUniqueOrThrow({ where: { id: accountId } });
  const intents = await h.stripe.paymentIntents.list({ customer: stripeCustomerId! });
  expect(intents.data).toHaveLength(1);
  const pi = intents.data[0]!;
  const event = emittedEvents(h, ["payment_intent.succeeded"]).find((e) => (e.data.object as Stripe.PaymentIntent).id === pi.id);
  return { pi, eventId: event!.id };
}

const paymentRows = (accountId: string) => db().payment.findMany({ where: { accountId, purpose: "auto_top_up" } });

describe("an auto top-up whose webhook has not arrived", () => {
  it("is listed and refundable by an operator at once; the webhook arriving after adds no second row", async () => {
    const { acct, purchases, refund } = await withAutoTopUp();
    const run = await topUpWhileWebhooksDown(acct.accountId);
    const { pi, eventId } = await chargeOf(acct.accountId);
    expect(h.answers.filter((a) => a.eventId === eventId)).toEqual([]); // never reached our route
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "20.00", historicalSpendUsd: "20.00" });

    expect(await purchases()).toEqual([
      expect.objectContaining({
        id: run.idempotencyKey,
        purpose: "auto_top_up",
        status: "succeeded",
        amountUsd: "20.00",
        refundableUsd: "20.00",
        paymentIntentId: pi.id,
      }),
    ]);

    // The webhook, delivered at last: the same purchase, no duplicate, no error.
    expect((await h.deliver(eventPayload(h, eventId))).status).toBe(200);
    expect(await paymentRows(acct.accountId)).toEqual([
      expect.objectContaining({
        id: `pay_${run.idempotencyKey}`,
        status: "succeeded",
        amountMicros: usd(20),
        stripePaymentIntentId: pi.id,
      }),
    ]);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "20.00" });

    const refunded = await refund({ purchaseId: run.idempotencyKey, amountUsd: "5.00", reason: "customer asked" });
    expect(refunded).toMatchObject({ status: 201, body: { purchaseId: run.idempotencyKey, amountUsd: "5.00", status: "succeeded" } });
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "15.00", historicalSpendUsd: "15.00" });
    expect(await purchases()).toEqual([expect.objectContaining({ refundedUsd: "5.00", refundableUsd: "15.00" })]);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("refunded in the Stripe Dashboard while its webhook is lost for good: charge.refunded takes the credits back (no 503)", async () => {
    const { acct } = await withAutoTopUp();
    await topUpWhileWebhooksDown(acct.accountId);
    const { pi } = await chargeOf(acct.accountId);
    await h.stripe.refunds.create({ payment_intent: pi.id });
    await h.settle();
    const answers = h.answers.filter((a) => a.type === "charge.refunded");
    expect(answers.at(-1)).toMatchObject({ status: 200 });
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "0.00", historicalSpendUsd: "0.00" });
    expect(await paymentRows(acct.accountId)).toEqual([expect.objectContaining({ status: "refunded", refundedMicros: usd(20) })]);
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, kind: "refund" } })).toBe(1);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("its webhook arriving before the grant: one row, credits granted once", async () => {
    const { acct, purchases } = await withAutoTopUp();
    // The charge's answer comes back only after Stripe's payment_intent.succeeded has been processed.
    const webhookFirst: TopUpPayments = {
      ...savedCardPayments,
      charge: async (...args) => {
        const result = await chargeSavedCard(...args);
        await h.settle();
        return result;
      },
    };
    const run = await runAutoTopUp(acct.accountId, webhookFirst);
    expect(run).toMatchObject({ outcome: "topped_up" });
    const { pi, eventId } = await chargeOf(acct.accountId);
    expect(h.answers.filter((a) => a.eventId === eventId)).toEqual([expect.objectContaining({ status: 200 })]);
    expect(await paymentRows(acct.accountId)).toEqual([expect.objectContaining({ status: "succeeded", stripePaymentIntentId: pi.id })]);
    expect(await purchases()).toHaveLength(1);
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "20.00", historicalSpendUsd: "20.00" });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });
});

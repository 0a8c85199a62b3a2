// An invoice with less than a cent due, end to end against the Stripe emulator (SPEC §4, §11): the
// sender never sends it (Stripe would be asked for 0 cents), so month close waives it — it is paid,
// not left draft for credits that may never come; credits bought afterwards (Checkout, auto top-up)
// stay whole, and Stripe is never asked for it.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { closeMonth } from "@/lib/billing/close-month";
import { runAutoTopUp } from "@/lib/billing/run-auto-top-up";
import { setAutoTopUp } from "@/lib/billing/auto-top-up-settings";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { sendInvoiceToStripe, sendPendingInvoices } from "@/lib/payments/invoices/send-invoice";
import { savedCardPayments } from "@/lib/payments/saved-card-payments";
import * as checkoutRoute from "@/app/api/v1/credits/checkout/route";
import * as setupRoute from "@/app/api/v1/payment-methods/setup/route";
import * as accountRoute from "@/app/api/v1/account/route";
import * as invoicesRoute from "@/app/api/v1/invoices/route";
import { chargeUsageAt, previousMonth, setupPayments, submitCard } from "./harness";

setupTestDatabase();
const h = setupPayments();

const account = async (apiKey: string) => (await callRoute(accountRoute.GET, { apiKey })).body;

describe("an invoice under half a cent", () => {
  it("the reviewer's case: $1 of credits spent plus $0.0005 → paid at month close, never sent; $5 bought and a $20 top-up stay whole", async () => {
    const acct = await createAccountFixture({ tier: "tier0", creditsMicros: usd(1) });
    const setup = await callRoute(setupRoute.POST, { method: "POST", apiKey: acct.apiKey });
    expect((await submitCard(setup.body.url, "4242424242424242")).status).toBe(303);
    await h.settle();
    // Spent in the month before this one: the credits, then half a thousandth of a dollar more.
    await chargeUsageAt(acct.accountId, usd(1) + 500n, previousMonth());
    const closed = await closeMonth({ period: previousMonth(), accountId: acct.accountId });
    expect(closed).toMatchObject({ ok: true, invoiced: [{ totalMicros: 500n }] });
    if (!closed.ok) throw new Error("close failed");
    const invoiceId = closed.invoiced[0]!.invoiceId;
    expect(await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "paid", paidMicros: 500n });

    // The sender has nothing to send for it: no Stripe invoice, no charge.
    expect(await sendPendingInvoices()).toEqual([]);
    expect(await sendInvoiceToStripe(invoiceId)).toMatchObject({ outcome: "skipped", reason: "not_draft" });
    const { stripeCustomerId } = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect((await h.stripe.invoices.list({ customer: stripeCustomerId! })).data).toEqual([]);

    // $5 through Checkout, then a $20 auto top-up: every cent becomes credits.
    const checkout = await callRoute(checkoutRoute.POST, { method: "POST", apiKey: acct.apiKey, body: { amountUsd: 5 } });
    expect((await submitCard(checkout.body.url, "4242424242424242")).status).toBe(303);
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "5.00" });
    await setAutoTopUp(
      acct.accountId,
      { enabled: true, thresholdMicros: usd(6), amountMicros: usd(20), monthlyMaxMicros: usd(100) },
      acct.ownerId,
    );
    expect(await runAutoTopUp(acct.accountId, savedCardPayments)).toMatchObject({ outcome: "topped_up", amountMicros: usd(20) });
    await h.settle();
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "25.00", historicalSpendUsd: "25.00", status: "active" });
    const invoices = (await callRoute(invoicesRoute.GET, { apiKey: acct.apiKey })).body.invoices;
    expect(invoices).toEqual([expect.objectContaining({ id: invoiceId, status: "paid", amountDueUsd: "0.00" })]);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });
});

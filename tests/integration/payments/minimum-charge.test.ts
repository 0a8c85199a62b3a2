// Stripe's $0.50 minimum charge, end to end against the Stripe emulator (SPEC §4, §11). A card cannot
// be charged less than $0.50 (Stripe marks such an invoice paid without charging and carries the
// amount to the customer's next invoice), so Headroom never sends an invoice with less than that
// due: it stays payable here — by credits bought meanwhile — and is carried into the next month's
// invoice as a line of its own. It never fails, so it never suspends the account, and the ledger
// stays consistent (reconciliation finds the counters match).
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { parseUsd } from "@/lib/money";
import { closeMonth } from "@/lib/billing/close-month";
import { periodLabel } from "@/lib/billing/period";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { sendInvoiceToStripe, sendPendingInvoices } from "@/lib/payments/invoices/send-invoice";
import * as setupRoute from "@/app/api/v1/payment-methods/setup/route";
import * as checkoutRoute from "@/app/api/v1/credits/checkout/route";
import * as accountRoute from "@/app/api/v1/account/route";
import * as invoiceRoute from "@/app/api/v1/invoices/[id]/route";
import * as invoicesRoute from "@/app/api/v1/invoices/route";
import { chargeUsageAt, setupPayments, submitCard } from "./harness";

setupTestDatabase();
const h = setupPayments();

/** Mid-month `n` months before this one, and the first hour of the month after it (its close). */
const monthsAgo = (n: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 10, 12));
};
const closeOf = async (accountId: string, n: number) => {
  const period = monthsAgo(n);
  const closed = await closeMonth({ period, accountId, now: new Date(Date.UTC(period.getUTCFullYear(), period.getUTCMonth() + 1, 1, 1)) });
  if (!closed.ok) throw new Error(closed.message);
  return closed;
};

const account = async (apiKey: string) => (await callRoute(accountRoute.GET, { apiKey })).body;
const invoiceView = async (apiKey: string, id: string) => (await callRoute(invoiceRoute.GET, { apiKey, params: { id } })).body;

async function withCard(cardNumber: string) {
  const acct = await createAccountFixture({ tier: "tier0" });
  const setup = await callRoute(setupRoute.POST, { method: "POST", apiKey: acct.apiKey });
  expect((await submitCard(setup.body.url, cardNumber)).status).toBe(303);
  await h.settle();
  const { stripeCustomerId } = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
  return { ...acct, customer: stripeCustomerId! };
}

describe("an invoice under $0.50", () => {
  it("the reviewer's case: $0.30 on a card that declines everything → never sent, stays due, the account stays active", async () => {
    const acct = await withCard("4000000000000341");
    await chargeUsageAt(acct.accountId, parseUsd("0.30"), monthsAgo(1));
    const closed = await closeOf(acct.accountId, 1);
    expect(closed).toMatchObject({ invoiced: [{ totalMicros: parseUsd("0.30") }] });
    const invoiceId = closed.invoiced[0]!.invoiceId;

    // The sender leaves it alone: no Stripe invoice, no charge, nothing that could fail.
    expect(await sendPendingInvoices()).toEqual([]);
    expect(await sendInvoiceToStripe(invoiceId)).toMatchObject({ outcome: "skipped", reason: "below_minimum" });
    await h.settle();
    expect((await h.stripe.invoices.list({ customer: acct.customer })).data).toEqual([]);
    expect((await h.stripe.charges.list({ customer: acct.customer })).data).toEqual([]);

    expect(await invoiceView(acct.apiKey, invoiceId)).toMatchObject({
      status: "draft",
      amountDueUsd: "0.30",
      carriedForward: true,
      carriedToInvoiceId: null,
      hostedUrl: null,
    });
    expect(await account(acct.apiKey)).toMatchObject({ status: "active", suspensionReasons: [], historicalSpendUsd: "0.00" });
    const issued = await db().notification.findFirstOrThrow({ where: { accountId: acct.accountId, kind: "invoice_issued" } });
    expect(issued.body).toMatch(/\$0\.50/);
    expect(issued.body).toMatch(/next invoice/);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("is carried into the next month's invoice as a line, charged once with it; the old one shows where it went", async () => {
    const acct = await withCard("4242424242424242");
    await chargeUsageAt(acct.accountId, parseUsd("0.30"), monthsAgo(2));
    const first = await closeOf(acct.accountId, 2);
    const oldId = first.invoiced[0]!.invoiceId;
    expect(await sendPendingInvoices()).toEqual([]);

    await chargeUsageAt(acct.accountId, parseUsd("1.00"), monthsAgo(1));
    const second = await closeOf(acct.accountId, 1);
    expect(second).toMatchObject({ invoiced: [{ totalMicros: parseUsd("1.30") }] });
    const newId = second.invoiced[0]!.invoiceId;
    const label = periodLabel(monthsAgo(2));
    expect((await invoiceView(acct.apiKey, newId)).lines).toEqual(
      expect.arrayContaining([
        {
          subject: `invoice:${oldId}`,
          description: `Invoice ${label}, carried forward (under the $0.50 minimum card charge)`,
          quantity: "1",
          unit: "invoice",
          amountUsd: "0.30",
        },
      ]),
    );
    expect(await invoiceView(acct.apiKey, oldId)).toMatchObject({
      status: "paid",
      amountDueUsd: "0.00",
      carriedForward: false,
      carriedToInvoiceId: newId,
    });

    expect(await sendPendingInvoices()).toEqual([expect.objectContaining({ outcome: "sent", charge: "paid" })]);
    await h.settle();
    const stripeInvoices = (await h.stripe.invoices.list({ customer: acct.customer })).data;
    expect(stripeInvoices.map((i) => [i.metadata?.headroom_invoice_id, i.amount_paid])).toEqual([[newId, 130]]);
    expect(await invoiceView(acct.apiKey, newId)).toMatchObject({ status: "paid", amountDueUsd: "0.00" });
    // $1.30 paid by card, once: historical spend, and nothing else moved.
    expect(await account(acct.apiKey)).toMatchObject({ historicalSpendUsd: "1.30", creditBalanceUsd: "0.00", status: "active" });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
    // Closing either month again changes nothing.
    await closeOf(acct.accountId, 2);
    await closeOf(acct.accountId, 1);
    expect(await db().invoiceLine.count({ where: { subject: `invoice:${oldId}` } })).toBe(1);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("still under $0.50 with next month's usage: carried again, as one invoice", async () => {
    const acct = await withCard("4242424242424242");
    await chargeUsageAt(acct.accountId, parseUsd("0.20"), monthsAgo(2));
    const oldId = (await closeOf(acct.accountId, 2)).invoiced[0]!.invoiceId;
    await chargeUsageAt(acct.accountId, parseUsd("0.20"), monthsAgo(1));
    const newId = (await closeOf(acct.accountId, 1)).invoiced[0]!.invoiceId;
    expect(await invoiceView(acct.apiKey, oldId)).toMatchObject({ status: "paid", carriedToInvoiceId: newId });
    expect(await invoiceView(acct.apiKey, newId)).toMatchObject({ status: "draft", totalUsd: "0.40", carriedForward: true });
    expect(await sendPendingInvoices()).toEqual([]);
    const listed = (await callRoute(invoicesRoute.GET, { apiKey: acct.apiKey })).body.invoices;
    expect(listed.filter((i: { amountDueUsd: string }) => i.amountDueUsd !== "0.00")).toHaveLength(1);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("credits bought meanwhile pay it at once; a month with nothing new to bill leaves it as it is", async () => {
    const acct = await withCard("4242424242424242");
    await chargeUsageAt(acct.accountId, parseUsd("0.30"), monthsAgo(2));
    const invoiceId = (await closeOf(acct.accountId, 2)).invoiced[0]!.invoiceId;
    // Nothing used last month: its close bills nothing and leaves the $0.30 waiting.
    expect(await closeOf(acct.accountId, 1)).toMatchObject({ invoiced: [] });
    expect(await invoiceView(acct.apiKey, invoiceId)).toMatchObject({ status: "draft", amountDueUsd: "0.30", carriedForward: true });

    const checkout = await callRoute(checkoutRoute.POST, { method: "POST", apiKey: acct.apiKey, body: { amountUsd: 5 } });
    expect((await submitCard(checkout.body.url, "4242424242424242")).status).toBe(303);
    await h.settle();
    expect(await invoiceView(acct.apiKey, invoiceId)).toMatchObject({ status: "paid", amountDueUsd: "0.00", carriedForward: false });
    expect(await account(acct.apiKey)).toMatchObject({ creditBalanceUsd: "4.70", historicalSpendUsd: "5.00" });
    expect((await h.stripe.invoices.list({ customer: acct.customer })).data).toEqual([]);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("any number of them waiting never hold back an invoice to send", async () => {
    // Another account's 120 months of $0.30 invoices waiting (more than one pass of the sender takes)…
    const waiting = await createAccountFixture({ tier: "tier1" });
    await db().invoice.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        id: `inv_small_${waiting.accountId}_${i}`,
        accountId: waiting.accountId,
        period: new Date(Date.UTC(2000 + Math.floor(i / 12), i % 12, 1)),
        status: "draft" as const,
        totalMicros: parseUsd("0.30"),
        createdAt: new Date(Date.UTC(2000, 0, 1, 0, i)),
      })),
    });
    // …and, newer, one of $2 to send.
    const acct = await withCard("4242424242424242");
    await chargeUsageAt(acct.accountId, parseUsd("2.00"), monthsAgo(1));
    const big = (await closeOf(acct.accountId, 1)).invoiced[0]!.invoiceId;
    expect(await sendPendingInvoices()).toEqual([expect.objectContaining({ outcome: "sent", charge: "paid" })]);
    expect((await db().invoice.findUniqueOrThrow({ where: { id: big } })).stripeInvoiceId).not.toBeNull();
  });
});

// An invoice whose usage is not a whole number of cents, end to end against the Stripe emulator
// (SPEC §2, §4, §11). Usage is metered in micro-USD; a card is charged whole cents. The rule: at
// month close the fraction of a cent left to charge is waived (recorded in the ledger as an
// adjustment that pays it), so the amount due is whole cents; Stripe is asked for exactly that, the
// ledger records exactly that as paid by card, and nothing is left outstanding or counted twice.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { parseUsd, usd } from "@/lib/money";
import { closeMonth } from "@/lib/billing/close-month";
import { monthStart } from "@/lib/billing/period";
import { postLedgerEntry } from "@/lib/billing/post-ledger-entry";
import { grantCredits } from "@/lib/billing/grant-credits";
import { invoiceFigures } from "@/lib/billing/invoice-figures";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { sendInvoiceToStripe } from "@/lib/payments/invoices/send-invoice";
import * as setupRoute from "@/app/api/v1/payment-methods/setup/route";
import * as accountRoute from "@/app/api/v1/account/route";
import * as invoiceRoute from "@/app/api/v1/invoices/[id]/route";
import { chargeUsageAt, previousMonth, setupPayments, submitCard } from "./harness";

setupTestDatabase();
const h = setupPayments();

const account = async (apiKey: string) => (await callRoute(accountRoute.GET, { apiKey })).body;
const invoiceView = async (apiKey: string, id: string) => (await callRoute(invoiceRoute.GET, { apiKey, params: { id } })).body;

async function withCard() {
  const acct = await createAccountFixture({ tier: "tier0" });
  const setup = await callRoute(setupRoute.POST, { method: "POST", apiKey: acct.apiKey });
  expect((await submitCard(setup.body.url, "4242424242424242")).status).toBe(303);
  await h.settle();
  return acct;
}

async function close(accountId: string) {
  const closed = await closeMonth({ period: previousMonth(), accountId });
  if (!closed.ok || closed.invoiced.length !== 1) throw new Error("not invoiced");
  return closed.invoiced[0]!.invoiceId;
}

/** The invoice's payment and adjustment entries, by key (those of one step share a time). */
const ledgerOf = async (invoiceId: string) =>
  (
    await db().ledgerEntry.findMany({
      where: { invoiceId, kind: { in: ["invoice_payment", "adjustment"] } },
      select: { kind: true, amountMicros: true, creditMicros: true, invoiceMicros: true, idempotencyKey: true },
    })
  ).sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey));

describe("an invoice of $12.345678", () => {
  it("is charged $12.34: the fraction of a cent is waived at close, and the ledger records what the card paid", async () => {
    const acct = await withCard();
    await chargeUsageAt(acct.accountId, parseUsd("12.345678"), previousMonth());
    const invoiceId = await close(acct.accountId);

    // The invoice shows the usage to the micro-dollar, and the whole cents that will be charged.
    expect(await invoiceView(acct.apiKey, invoiceId)).toMatchObject({
      status: "draft",
      totalUsd: "12.345678",
      amountDueUsd: "12.34",
      lines: [expect.objectContaining({ amountUsd: "12.345678" })],
    });
    expect(await ledgerOf(invoiceId)).toEqual([
      {
        kind: "invoice_payment",
        amountMicros: -5_678n,
        creditMicros: 5_678n,
        invoiceMicros: 0n,
        idempotencyKey: `invoice-payment:waiver:${invoiceId}:0`,
      },
      { kind: "adjustment", amountMicros: 5_678n, creditMicros: 0n, invoiceMicros: 0n, idempotencyKey: `invoice-waiver:${invoiceId}:0` },
    ]);

    // Stripe is asked for exactly the amount due, and charges exactly that.
    expect(await sendInvoiceToStripe(invoiceId)).toMatchObject({ outcome: "sent", charge: "paid" });
    await h.settle();
    const { stripeInvoiceId } = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    const si = await h.stripe.invoices.retrieve(stripeInvoiceId!);
    expect([si.total, si.amount_due, si.amount_paid, si.status]).toEqual([1234, 1234, 1234, "paid"]);
    const { stripeCustomerId } = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    const charges = await h.stripe.charges.list({ customer: stripeCustomerId! });
    expect(charges.data.map((c) => c.amount)).toEqual([1234]);

    // The ledger says the card paid $12.34 — what it paid — and nothing is left due or paid twice.
    const entries = await ledgerOf(invoiceId);
    expect(entries.filter((e) => e.idempotencyKey === `invoice-payment:external:${invoiceId}`)).toEqual([
      expect.objectContaining({ amountMicros: 0n, creditMicros: 0n, invoiceMicros: 12_340_000n }),
    ]);
    const paidInLedger = entries.filter((e) => e.kind === "invoice_payment").reduce((s, e) => s + e.creditMicros + e.invoiceMicros, 0n);
    expect(paidInLedger).toBe(parseUsd("12.345678"));
    expect(await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({
      status: "paid",
      totalMicros: parseUsd("12.345678"),
      paidMicros: parseUsd("12.345678"),
    });
    expect(await invoiceView(acct.apiKey, invoiceId)).toMatchObject({ status: "paid", amountDueUsd: "0.00" });
    // Historical spend is what was paid by card: $12.34, not the $12.345678 of usage.
    expect(await account(acct.apiKey)).toMatchObject({ historicalSpendUsd: "12.34", creditBalanceUsd: "0.00", status: "active" });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("with credits of a fractional amount paying part at close, the card is still asked for whole cents", async () => {
    const acct = await withCard();
    await chargeUsageAt(acct.accountId, parseUsd("12.345678"), previousMonth());
    // $2 of credits, $0.765433 of them spent this month: $1.234567 left when the month closes.
    await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(2),
      idempotencyKey: `promo:fraction:${acct.accountId}`,
      kind: "promotional_credit",
    });
    await chargeUsageAt(acct.accountId, parseUsd("0.765433"), new Date());
    const invoiceId = await close(acct.accountId);
    // 12.345678 − 1.234567 = 11.111111 → $11.11 due, $0.001111 waived.
    expect(await invoiceView(acct.apiKey, invoiceId)).toMatchObject({ amountDueUsd: "11.11" });
    expect(await sendInvoiceToStripe(invoiceId)).toMatchObject({ outcome: "sent", charge: "paid" });
    await h.settle();
    const { stripeInvoiceId } = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect((await h.stripe.invoices.retrieve(stripeInvoiceId!)).amount_paid).toBe(1111);
    expect(await account(acct.apiKey)).toMatchObject({ historicalSpendUsd: "11.11", creditBalanceUsd: "0.00" });
    expect(await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "paid" });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("a draft left with a fraction of a cent due (drafted before close waived it) is made whole by the sender", async () => {
    const acct = await withCard();
    await chargeUsageAt(acct.accountId, parseUsd("7.777777"), previousMonth());
    // What month close wrote before the rule: the invoice, its entries claimed, the marker — no waiver.
    const invoiceId = `inv_legacy_${acct.accountId}`;
    await db().$transaction(async (tx) => {
      const claimed = await tx.ledgerEntry.findMany({ where: { accountId: acct.accountId, invoiceId: null, kind: "usage_charge" } });
      const total = claimed.reduce((sum, e) => sum + e.invoiceMicros, 0n);
      await tx.invoice.create({
        data: { id: invoiceId, accountId: acct.accountId, period: monthStart(previousMonth()), status: "draft", totalMicros: total },
      });
      await tx.invoiceLine.create({
        data: {
          invoiceId,
          description: "Serverless inference — hr-small-8b",
          subject: "model:hr-small-8b",
          quantity: 1n,
          unit: "requests",
          amountMicros: total,
        },
      });
      await tx.ledgerEntry.updateMany({ where: { id: { in: claimed.map((e) => e.id) } }, data: { invoiceId } });
      await postLedgerEntry(tx, {
        accountId: acct.accountId,
        kind: "invoice",
        amountMicros: 0n,
        invoiceMicros: total,
        invoiceId,
        idempotencyKey: `invoice:${invoiceId}`,
        description: "Invoice (drafted before the rule)",
      });
    });
    expect(await sendInvoiceToStripe(invoiceId)).toMatchObject({ outcome: "sent", charge: "paid" });
    await h.settle();
    const { stripeInvoiceId } = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect((await h.stripe.invoices.retrieve(stripeInvoiceId!)).amount_paid).toBe(777);
    expect(await account(acct.apiKey)).toMatchObject({ historicalSpendUsd: "7.77" });
    expect(await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({
      status: "paid",
      paidMicros: parseUsd("7.777777"),
    });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });
});

describe("two lines tying for a cent", () => {
  it("get the same amounts in the API (console, CLI) as on the Stripe invoice, whatever the lines' ids", async () => {
    const acct = await withCard();
    // $0.305 each: $0.61 in all, and each line's share is 30.5 cents — the spare cent goes to one of them.
    await chargeUsageAt(acct.accountId, parseUsd("0.305"), previousMonth(), "hr-alpha");
    await chargeUsageAt(acct.accountId, parseUsd("0.305"), previousMonth(), "hr-beta");
    const invoiceId = await close(acct.accountId);
    // Line ids are opaque: here the later subject has the smaller id (as a line created after the others can).
    const lines = await db().invoiceLine.findMany({ where: { invoiceId }, select: { id: true, subject: true } });
    expect(lines.map((l) => l.subject).sort()).toEqual(["model:hr-alpha", "model:hr-beta"]);
    for (const l of lines) {
      await db().invoiceLine.update({ where: { id: l.id }, data: { id: l.subject === "model:hr-alpha" ? "line_2" : "line_1" } });
    }

    // The API lists them by subject; the console and the CLI show the figures of invoiceFigures.
    const view = await invoiceView(acct.apiKey, invoiceId);
    const shown = invoiceFigures(view);
    const inApi = Object.fromEntries(view.lines.map((l: { subject: string }, i: number) => [l.subject, shown.lines[i]]));
    expect(inApi).toEqual({ "model:hr-alpha": "$0.31", "model:hr-beta": "$0.30" });

    // Stripe's items: the same cent on the same line.
    expect(await sendInvoiceToStripe(invoiceId)).toMatchObject({ outcome: "sent", charge: "paid" });
    await h.settle();
    const { stripeInvoiceId } = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    const items = (await h.stripe.invoices.listLineItems(stripeInvoiceId!, { limit: 100 })).data;
    const subjectOf: Record<string, string> = { line_1: "model:hr-beta", line_2: "model:hr-alpha" };
    const inStripe = Object.fromEntries(
      items.map((item) => [subjectOf[item.metadata?.headroom_line ?? ""], `$${(item.amount / 100).toFixed(2)}`]),
    );
    expect(inStripe).toEqual(inApi);
    // And in the same order.
    expect(items.map((item) => subjectOf[item.metadata?.headroom_line ?? ""])).toEqual(
      view.lines.map((l: { subject: string }) => l.subject),
    );
  });
});

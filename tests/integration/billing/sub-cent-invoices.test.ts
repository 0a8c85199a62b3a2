// Invoices with less than a cent due (SPEC §2, §4): Stripe charges whole cents, so the sender never
// sends an invoice with no whole cent due (and month close waives the fraction of a cent of any). Such an invoice must still end — paid from
// credits when there are any, the rest waived at month close — never left `draft` for ever, with the
// ledger consistent and nothing charged twice.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { MICROS_PER_CENT, usd } from "@/lib/money";
import { closeMonth } from "@/lib/billing/close-month";
import { grantCredits } from "@/lib/billing/grant-credits";
import { postLedgerEntry } from "@/lib/billing/post-ledger-entry";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { voidInvoice } from "@/lib/billing/void-invoice";
import { tooSmallToCharge } from "@/lib/billing/amounts";
import { floorToCents } from "@/lib/payments/cents";
import * as invoicesRoute from "@/app/api/v1/invoices/route";
import { accountState, at2030, chargeUsage } from "./helpers";

setupTestDatabase();

const OCT = "2030-10";
const NOV = "2030-11";

const invoicesOf = (accountId: string) => db().invoice.findMany({ where: { accountId }, orderBy: { period: "asc" } });
/** The invoice's payment and adjustment entries, in a fixed order (those of one close share a time). */
const entriesOf = async (accountId: string, invoiceId: string) =>
  (
    await db().ledgerEntry.findMany({
      where: { accountId, invoiceId, kind: { in: ["invoice_payment", "adjustment"] } },
      select: { kind: true, amountMicros: true, creditMicros: true, invoiceMicros: true },
    })
  ).sort((a, b) => a.kind.localeCompare(b.kind) || (a.amountMicros < b.amountMicros ? -1 : a.amountMicros > b.amountMicros ? 1 : 0));

/**
 * A sub-cent invoice as month close drafted it before this was fixed (left `draft`, nothing paid):
 * the same rows draftInvoice writes — the invoice, its usage entries claimed, the `invoice` marker.
 */
async function draftedBeforeTheFix(accountId: string, period: Date, now: Date): Promise<string> {
  return db().$transaction(async (tx) => {
    const invoiceId = `inv_${randomUUID().replaceAll("-", "")}`;
    const claimed = await tx.ledgerEntry.findMany({
      where: { accountId, invoiceId: null, kind: "usage_charge", invoiceMicros: { gt: 0n } },
    });
    const total = claimed.reduce((sum, e) => sum + e.invoiceMicros, 0n);
    await tx.invoice.create({ data: { id: invoiceId, accountId, period, status: "draft", totalMicros: total, createdAt: now } });
    await tx.ledgerEntry.updateMany({ where: { id: { in: claimed.map((e) => e.id) } }, data: { invoiceId } });
    await postLedgerEntry(tx, {
      accountId,
      kind: "invoice",
      amountMicros: 0n,
      invoiceMicros: total,
      invoiceId,
      idempotencyKey: `invoice:${invoiceId}`,
      description: "Invoice (drafted before the fix)",
      at: now,
    });
    return invoiceId;
  });
}

describe("the amount Stripe cannot charge", () => {
  it("is what has no whole cent in it: under a cent (the sender charges whole cents, the fraction dropped)", () => {
    for (const micros of [1n, 499n, 4_999n, 5_000n, 9_999n, MICROS_PER_CENT, usd(1) + 4_999n]) {
      expect(tooSmallToCharge(micros), String(micros)).toBe(floorToCents(micros) === 0n);
    }
    expect(tooSmallToCharge(0n)).toBe(false);
    expect(tooSmallToCharge(-1n)).toBe(false);
  });
});

describe("month close with less than a cent left to charge", () => {
  it("the reviewer's case: $1 of credits and $0.0005 over → the $0.0005 is waived at close, not left draft; later credits stay whole", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(1) });
    await chargeUsage(acct.accountId, usd(1) + 500n, at2030(10, 5));
    const closed = await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 1) });
    expect(closed).toMatchObject({ ok: true, invoiced: [{ totalMicros: 500n }] });
    const [invoice] = await invoicesOf(acct.accountId);
    expect(invoice).toMatchObject({ status: "paid", totalMicros: 500n, paidMicros: 500n, stripeInvoiceId: null });
    // Waived through the ledger: an adjustment brings the amount in, the invoice is paid with it.
    expect(await entriesOf(acct.accountId, invoice!.id)).toEqual([
      { kind: "adjustment", amountMicros: 500n, creditMicros: 0n, invoiceMicros: 0n },
      { kind: "invoice_payment", amountMicros: -500n, creditMicros: 500n, invoiceMicros: 0n },
    ]);
    const state = await accountState(acct.accountId, at2030(11, 1));
    expect([state.creditBalanceMicros, state.historicalMicros, state.status]).toEqual([0n, 0n, "active"]);
    const list = await callRoute(invoicesRoute.GET, { apiKey: acct.apiKey });
    expect(list.body.invoices).toEqual([expect.objectContaining({ period: OCT, status: "paid", amountDueUsd: "0.00" })]);
    const issued = await db().notification.findFirstOrThrow({ where: { accountId: acct.accountId, kind: "invoice_issued" } });
    expect(issued.body).toMatch(/less than a cent/);
    expect(issued.body).not.toMatch(/will be charged/);

    // $5 bought and a $20 top-up later: both stay whole (nothing left to pay), the invoice stays paid.
    for (const [key, amount] of [
      ["cs_after_waiver", usd(5)],
      ["auto-top-up:after_waiver", usd(20)],
    ] as const) {
      const granted = await grantCredits({
        accountId: acct.accountId,
        amountMicros: amount,
        idempotencyKey: key,
        kind: "credit_purchase",
        at: at2030(11, 3),
      });
      expect(granted).toMatchObject({ ok: true, granted: true, paidInvoices: [] });
    }
    expect((await accountState(acct.accountId, at2030(11, 3))).creditBalanceMicros).toBe(usd(25));
    // Closing again (or the next month) changes nothing.
    await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 4) });
    await closeMonth({ period: NOV, accountId: acct.accountId, now: at2030(12, 1) });
    expect(await entriesOf(acct.accountId, invoice!.id)).toHaveLength(2);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("credits on hand pay first; only the part under a cent they cannot cover is waived", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(acct.accountId, usd(2) + 3_000n, at2030(10, 5)); // all to the invoice
    await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(2),
      idempotencyKey: "promo:sub-cent",
      kind: "promotional_credit",
      at: at2030(10, 20),
    });
    await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 1) });
    const [invoice] = await invoicesOf(acct.accountId);
    expect(invoice).toMatchObject({ status: "paid", totalMicros: usd(2) + 3_000n, paidMicros: usd(2) + 3_000n });
    expect(await entriesOf(acct.accountId, invoice!.id)).toEqual([
      { kind: "adjustment", amountMicros: 3_000n, creditMicros: 0n, invoiceMicros: 0n },
      { kind: "invoice_payment", amountMicros: -usd(2), creditMicros: usd(2), invoiceMicros: 0n },
      { kind: "invoice_payment", amountMicros: -3_000n, creditMicros: 3_000n, invoiceMicros: 0n },
    ]);
    expect((await accountState(acct.accountId, at2030(11, 1))).creditBalanceMicros).toBe(0n);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("a fraction of a cent is waived however close to a cent; whole cents stay due for the sender", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(acct.accountId, 9_999n, at2030(10, 5));
    await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 1) });
    expect(await invoicesOf(acct.accountId)).toEqual([
      expect.objectContaining({ status: "paid", totalMicros: 9_999n, paidMicros: 9_999n }),
    ]);

    const other = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(other.accountId, usd(2) + 15_000n, at2030(10, 5));
    await closeMonth({ period: OCT, accountId: other.accountId, now: at2030(11, 1) });
    const [invoice] = await invoicesOf(other.accountId);
    expect(invoice).toMatchObject({ status: "draft", totalMicros: usd(2) + 15_000n, paidMicros: 5_000n });
    expect(await entriesOf(other.accountId, invoice!.id)).toEqual([
      { kind: "adjustment", amountMicros: 5_000n, creditMicros: 0n, invoiceMicros: 0n },
      { kind: "invoice_payment", amountMicros: -5_000n, creditMicros: 5_000n, invoiceMicros: 0n },
    ]);
    expect(await reconcileBalances({ accountId: other.accountId })).toMatchObject({ differences: [] });
  });
});

describe("voiding an invoice with a fraction of a cent waived", () => {
  it("gives back what credits paid of it, not the waived fraction (nobody paid that)", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(acct.accountId, usd(3) + 7_000n, at2030(10, 5)); // all to the invoice
    await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(1),
      idempotencyKey: "promo:void",
      kind: "promotional_credit",
      at: at2030(10, 20),
    });
    await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 1) });
    const [invoice] = await invoicesOf(acct.accountId);
    expect(invoice).toMatchObject({ status: "draft", paidMicros: usd(1) + 7_000n });
    expect(await voidInvoice({ invoiceId: invoice!.id }, { at: at2030(11, 2) })).toMatchObject({ ok: true });
    const state = await accountState(acct.accountId, at2030(11, 2));
    expect(state.creditBalanceMicros).toBe(usd(1));
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });
});

describe("a sub-cent invoice left draft before the fix", () => {
  it("new credits pay it (it was never sent to Stripe, so nothing can collect it twice)", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(1) });
    await chargeUsage(acct.accountId, usd(1) + 500n, at2030(10, 5));
    const invoiceId = await draftedBeforeTheFix(acct.accountId, at2030(10, 1, 0), at2030(11, 1));
    const granted = await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(5),
      idempotencyKey: "cs_pays_legacy",
      kind: "credit_purchase",
      at: at2030(11, 3),
    });
    expect(granted).toMatchObject({
      ok: true,
      creditBalanceMicros: usd(5) - 500n,
      paidInvoices: [{ invoiceId, stripeInvoiceId: null, amountMicros: 500n, fullyPaid: true }],
    });
    expect(await invoicesOf(acct.accountId)).toEqual([expect.objectContaining({ id: invoiceId, status: "paid", paidMicros: 500n })]);
    // Paid once: the next purchase leaves it alone.
    const again = await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(20),
      idempotencyKey: "auto-top-up:after_legacy",
      kind: "credit_purchase",
      at: at2030(11, 4),
    });
    expect(again).toMatchObject({ ok: true, paidInvoices: [], creditBalanceMicros: usd(25) - 500n });
    expect(await entriesOf(acct.accountId, invoiceId)).toHaveLength(1);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("with no credits coming, the next month close waives it", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(1) });
    await chargeUsage(acct.accountId, usd(1) + 500n, at2030(10, 5));
    const invoiceId = await draftedBeforeTheFix(acct.accountId, at2030(10, 1, 0), at2030(11, 1));
    // November has nothing to bill; its close still ends October's stuck draft.
    expect(await closeMonth({ period: NOV, accountId: acct.accountId, now: at2030(12, 1) })).toMatchObject({ ok: true, invoiced: [] });
    expect(await invoicesOf(acct.accountId)).toEqual([expect.objectContaining({ id: invoiceId, status: "paid", paidMicros: 500n })]);
    expect(await entriesOf(acct.accountId, invoiceId)).toEqual([
      { kind: "adjustment", amountMicros: 500n, creditMicros: 0n, invoiceMicros: 0n },
      { kind: "invoice_payment", amountMicros: -500n, creditMicros: 500n, invoiceMicros: 0n },
    ]);
    const state = await accountState(acct.accountId, at2030(12, 1));
    expect([state.creditBalanceMicros, state.historicalMicros]).toEqual([0n, 0n]);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });
});

// Month close and the invoice lifecycle (SPEC §4, §5): once per account and month, line items,
// credits first, and ordering-safe webhook verbs.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { closeMonth, closeAccountMonth } from "@/lib/billing/close-month";
import { grantCredits } from "@/lib/billing/grant-credits";
import { markInvoiceOpen } from "@/lib/billing/mark-invoice-open";
import { markInvoicePaid } from "@/lib/billing/mark-invoice-paid";
import { markInvoiceFailed } from "@/lib/billing/mark-invoice-failed";
import { voidInvoice } from "@/lib/billing/void-invoice";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { setSpendLimit } from "@/lib/billing/set-spend-limit";
import { canCharge } from "@/lib/billing/can-charge";
import { runJobOnce } from "@/lib/jobs/runner";
import * as invoicesRoute from "@/app/api/v1/invoices/route";
import * as invoiceRoute from "@/app/api/v1/invoices/[id]/route";
import * as payRoute from "@/app/api/v1/invoices/[id]/pay/route";
import { accountState, at2030, chargeUsage } from "./helpers";

const db_ = setupTestDatabase();

const OCT = "2030-10";
const NOV = "2030-11";

/** Usage in a month, then that month closed and the invoice opened in "Stripe". */
async function invoiceFor(accountId: string, month: number, dollars: number, stripeId: string) {
  await chargeUsage(accountId, usd(dollars), at2030(month, 10));
  const closed = await closeMonth({ period: at2030(month), accountId, now: at2030(month + 1, 1, 1) });
  if (!closed.ok || !closed.invoiced[0]) throw new Error("expected an invoice");
  const invoiceId = closed.invoiced[0].invoiceId;
  await markInvoiceOpen(invoiceId, {
    stripeInvoiceId: stripeId,
    hostedUrl: `https://pay.example/${stripeId}`,
    now: at2030(month + 1, 1, 2),
  });
  return invoiceId;
}

describe("month close", () => {
  it("bills usage not covered by credits, with a line per model, deployment and fine-tuning job", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(10) });
    await chargeUsage(acct.accountId, usd(6), at2030(10, 2), { modelName: "model-a" }); // all from credits
    await chargeUsage(acct.accountId, usd(7), at2030(10, 3), { modelName: "model-b" }); // 4 credits + 3 invoice
    await chargeUsage(acct.accountId, usd(5), at2030(10, 4), { modelName: "model-a" });
    await chargeUsage(acct.accountId, usd(2), at2030(10, 5), { kind: "deployment_charge", deploymentId: "dep_1" });
    await chargeUsage(acct.accountId, usd(1), at2030(10, 6), { kind: "fine_tuning_charge", fineTuningJobId: "ftj_1" });
    const closed = await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 1, 0) });
    expect(closed).toMatchObject({ ok: true, period: OCT, accounts: 1, invoiced: [{ totalMicros: usd(11) }] });

    const list = await callRoute(invoicesRoute.GET, { apiKey: acct.apiKey });
    expect(list.body.invoices).toEqual([
      expect.objectContaining({ period: OCT, status: "draft", totalUsd: "11.00", amountDueUsd: "11.00" }),
    ]);
    const one = await callRoute(invoiceRoute.GET, { apiKey: acct.apiKey, params: { id: list.body.invoices[0].id } });
    expect(one.body.lines.map((l: { subject: string; amountUsd: string }) => [l.subject, l.amountUsd])).toEqual([
      ["deployment:dep_1", "2.00"],
      ["fine_tuning:ftj_1", "1.00"],
      ["model:model-a", "5.00"],
      ["model:model-b", "3.00"],
    ]);
    const other = await createAccountFixture();
    expect((await callRoute(invoiceRoute.GET, { apiKey: other.apiKey, params: { id: list.body.invoices[0].id } })).status).toBe(404);

    // Closing again changes nothing; a new month starts spend from zero.
    expect(await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 2) })).toMatchObject({
      invoiced: [],
      alreadyInvoiced: 1,
    });
    expect((await accountState(acct.accountId, at2030(11, 2))).monthlySpendMicros).toBe(0n);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("no uncovered usage → no invoice; a month that has not ended is refused", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(10) });
    await chargeUsage(acct.accountId, usd(3), at2030(10, 2));
    expect(await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 1) })).toMatchObject({ ok: true, invoiced: [] });
    expect(await db().invoice.count({ where: { accountId: acct.accountId } })).toBe(0);
    expect(await closeMonth({ period: NOV, accountId: acct.accountId, now: at2030(11, 20) })).toMatchObject({
      ok: false,
      reason: "period_not_over",
    });
  });

  it("credits on hand at close pay the new invoice first; the rest is due", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(acct.accountId, usd(20), at2030(10, 2));
    await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(5),
      idempotencyKey: "promo:oct",
      kind: "promotional_credit",
      at: at2030(10, 20),
    });
    const closed = await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 1) });
    expect(closed).toMatchObject({ ok: true, invoiced: [{ totalMicros: usd(20) }] });
    const invoice = await db().invoice.findFirstOrThrow({ where: { accountId: acct.accountId } });
    expect([invoice.status, invoice.paidMicros]).toEqual(["draft", usd(5)]);
    expect((await accountState(acct.accountId, at2030(11, 1))).creditBalanceMicros).toBe(0n);
  });

  it("usage charged late for a closed month is billed by the next close", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(acct.accountId, usd(4), at2030(10, 2));
    await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 1) });
    await chargeUsage(acct.accountId, usd(1), at2030(10, 31, 23)); // arrives after the close
    await chargeUsage(acct.accountId, usd(2), at2030(11, 5));
    await closeMonth({ period: NOV, accountId: acct.accountId, now: at2030(12, 1) });
    const invoices = await db().invoice.findMany({ where: { accountId: acct.accountId }, orderBy: { period: "asc" } });
    expect(invoices.map((i) => i.totalMicros)).toEqual([usd(4), usd(3)]);
  });

  it("five concurrent closes of one account and month produce one invoice", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(acct.accountId, usd(9), at2030(10, 2));
    const period = at2030(10, 1, 0);
    const results = await Promise.all(Array.from({ length: 5 }, () => closeAccountMonth(acct.accountId, period, at2030(11, 1))));
    expect(results.filter((r) => r?.outcome === "invoiced")).toHaveLength(1);
    expect(results.filter((r) => r?.outcome === "already_invoiced")).toHaveLength(4);
    const invoices = await db().invoice.findMany({ where: { accountId: acct.accountId }, include: { lines: true } });
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.totalMicros).toBe(usd(9));
    expect(invoices[0]!.lines.reduce((s, l) => s + l.amountMicros, 0n)).toBe(usd(9));
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, kind: "invoice" } })).toBe(1);
  });

  it("five concurrent whole month-close runs (all accounts) invoice each account once", async () => {
    const accounts = await Promise.all([1, 2, 3].map(() => createAccountFixture({ tier: "tier1" })));
    for (const [i, a] of accounts.entries()) await chargeUsage(a.accountId, usd(i + 1), at2030(9, 3));
    const runs = await Promise.all(Array.from({ length: 5 }, () => closeMonth({ period: "2030-09", now: at2030(10, 1) })));
    expect(runs.every((r) => r.ok && r.failed.length === 0)).toBe(true);
    for (const [i, a] of accounts.entries()) {
      const invoices = await db().invoice.findMany({ where: { accountId: a.accountId, period: at2030(9, 1, 0) } });
      expect(invoices.map((x) => x.totalMicros)).toEqual([usd(i + 1)]);
    }
    const jobs = await Promise.all(Array.from({ length: 5 }, () => runJobOnce("month-close-test", "2030-09", async () => "ran")));
    expect(jobs.filter((j) => j.ran)).toHaveLength(1);
    expect(db_.current?.kind).toMatch(/pglite|postgres/);
  });
});

describe("invoice payments and suspension (SPEC §5)", () => {
  it("failed invoice → suspended payment_failed → pay it → active", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const invoiceId = await invoiceFor(acct.accountId, 10, 30, "in_failed_then_paid");
    const failed = await markInvoiceFailed({ stripeInvoiceId: "in_failed_then_paid" }, { failedAt: at2030(11, 2), now: at2030(11, 2) });
    expect(failed).toMatchObject({ ok: true, outcome: "applied", status: "failed", accountStatus: "suspended" });
    const s = await accountState(acct.accountId, at2030(11, 2));
    expect(s.reasons).toEqual(["payment_failed"]);
    expect(canCharge(s.charge, 1n)).toEqual({ ok: false, reason: "suspended" });
    const pay = await callRoute(payRoute.POST, { method: "POST", apiKey: acct.apiKey, params: { id: invoiceId } });
    expect(pay.body).toEqual({ url: "https://pay.example/in_failed_then_paid" });

    const paid = await markInvoicePaid("in_failed_then_paid", { paidAt: at2030(11, 3), now: at2030(11, 3) });
    expect(paid).toMatchObject({ ok: true, outcome: "applied", status: "paid", accountStatus: "active" });
    const after = await accountState(acct.accountId, at2030(11, 3));
    expect([after.status, after.reasons, after.historicalMicros]).toEqual(["active", [], usd(30)]);
    expect(await markInvoicePaid(invoiceId, { now: at2030(11, 3) })).toMatchObject({ ok: true, outcome: "duplicate" });
    expect((await accountState(acct.accountId, at2030(11, 3))).historicalMicros).toBe(usd(30));
    expect((await callRoute(payRoute.POST, { method: "POST", apiKey: acct.apiKey, params: { id: invoiceId } })).status).toBe(409);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("buying credits pays a failed invoice and re-activates the account (not counted twice as historical spend)", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await invoiceFor(acct.accountId, 10, 30, "in_paid_by_credits");
    await markInvoiceFailed("in_paid_by_credits", { now: at2030(11, 2) });
    const granted = await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(50),
      idempotencyKey: "cs_pay_failed",
      kind: "credit_purchase",
      at: at2030(11, 3),
    });
    expect(granted).toMatchObject({
      ok: true,
      status: "active",
      creditBalanceMicros: usd(20),
      paidInvoices: [{ stripeInvoiceId: "in_paid_by_credits", amountMicros: usd(30), fullyPaid: true }],
    });
    expect((await accountState(acct.accountId, at2030(11, 3))).historicalMicros).toBe(usd(50));
    // Stripe later reports the invoice paid out of band: nothing changes.
    expect(await markInvoicePaid("in_paid_by_credits", { now: at2030(11, 3) })).toMatchObject({ outcome: "duplicate" });
    expect((await accountState(acct.accountId, at2030(11, 3))).historicalMicros).toBe(usd(50));
  });

  it("two failed invoices: both must be paid; credits pay only invoices they cover in whole, oldest first", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await invoiceFor(acct.accountId, 9, 30, "in_two_a");
    await markInvoiceFailed("in_two_a", { now: at2030(10, 2) });
    await invoiceFor(acct.accountId, 10, 40, "in_two_b");
    await markInvoiceFailed("in_two_b", { now: at2030(11, 2) });
    const first = await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(50),
      idempotencyKey: "cs_two_1",
      kind: "credit_purchase",
      at: at2030(11, 3),
    });
    expect(first).toMatchObject({
      ok: true,
      status: "suspended",
      creditBalanceMicros: usd(20),
      paidInvoices: [{ stripeInvoiceId: "in_two_a" }],
    });
    expect((await accountState(acct.accountId, at2030(11, 3))).reasons).toEqual(["payment_failed"]);
    const second = await markInvoicePaid("in_two_b", { now: at2030(11, 4) });
    expect(second).toMatchObject({ ok: true, status: "paid", accountStatus: "active" });
  });

  it("a late invoice.paid for an old invoice does not lift a newer failure; a late failure after paid is ignored", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await invoiceFor(acct.accountId, 9, 10, "in_old");
    await markInvoiceFailed("in_old", { eventCreated: 1_000, now: at2030(10, 2) });
    await markInvoicePaid("in_old", { eventCreated: 2_000, now: at2030(10, 3) });
    await invoiceFor(acct.accountId, 10, 20, "in_new");
    await markInvoiceFailed("in_new", { eventCreated: 3_000, now: at2030(11, 2) });
    // Stripe redelivers the old invoice's events late, in any order.
    expect(await markInvoicePaid("in_old", { eventCreated: 2_000, now: at2030(11, 3) })).toMatchObject({
      outcome: "duplicate",
      accountStatus: "suspended",
    });
    expect(await markInvoiceFailed("in_old", { eventCreated: 1_000, now: at2030(11, 3) })).toMatchObject({
      outcome: "ignored",
      status: "paid",
    });
    const s = await accountState(acct.accountId, at2030(11, 3));
    expect([s.status, s.reasons]).toEqual(["suspended", ["payment_failed"]]);
    expect(await markInvoicePaid("in_new", { now: at2030(11, 4) })).toMatchObject({ accountStatus: "active" });
    expect(await markInvoiceFailed("in_new", { eventCreated: 3_000, now: at2030(11, 5) })).toMatchObject({
      outcome: "ignored",
      accountStatus: "active",
    });
    expect(
      await markInvoiceOpen("in_new", { stripeInvoiceId: "in_new", hostedUrl: "https://pay.example/x", now: at2030(11, 5) }),
    ).toMatchObject({
      outcome: "ignored",
      status: "paid",
    });
  });

  it("voiding a failed invoice lifts payment_failed and returns credits that had paid part of it", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(acct.accountId, usd(20), at2030(10, 2));
    await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(5),
      idempotencyKey: "promo:void",
      kind: "promotional_credit",
      at: at2030(10, 20),
    });
    const closed = await closeMonth({ period: OCT, accountId: acct.accountId, now: at2030(11, 1) });
    const invoiceId = closed.ok ? closed.invoiced[0]!.invoiceId : "";
    await markInvoiceOpen(invoiceId, { stripeInvoiceId: "in_void", hostedUrl: "https://pay.example/void", now: at2030(11, 1) });
    await markInvoiceFailed(invoiceId, { now: at2030(11, 2) });
    expect(await voidInvoice(invoiceId, { actorId: null, note: "goodwill", now: at2030(11, 3) })).toMatchObject({
      status: "void",
      accountStatus: "active",
    });
    expect((await accountState(acct.accountId, at2030(11, 3))).creditBalanceMicros).toBe(usd(5));
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("a new month lifts spend_limit_reached (month close re-derives suspension)", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setSpendLimit(acct.accountId, usd(10), acct.ownerId, at2030(10, 1));
    await chargeUsage(acct.accountId, usd(10), at2030(10, 2));
    expect((await accountState(acct.accountId, at2030(10, 2))).reasons).toEqual(["spend_limit_reached"]);
    await closeMonth({ period: OCT, now: at2030(11, 1, 0) });
    const s = await accountState(acct.accountId, at2030(11, 1));
    expect([s.status, s.monthlySpendMicros]).toEqual(["active", 0n]);
  });
});

// Auto top-up (settings route, idempotent attempts with an injected charge) and budget alerts
// (50/80/100 %, low credits, once per period and threshold; notifications route; e-mail outbox).
import { afterEach, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { addMemberFixture, createAccountFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { usd, type Micros } from "@/lib/money";
import { runAutoTopUp, type ChargeFn, type FindChargeFn, type TopUpPayments } from "@/lib/billing/run-auto-top-up";
import { setAutoTopUp } from "@/lib/billing/auto-top-up-settings";
import { grantCredits } from "@/lib/billing/grant-credits";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { autoTopUpCandidates } from "@/lib/billing/auto-top-up-candidates";
import { UNCONFIRMED_MESSAGE } from "@/lib/billing/auto-top-up-attempts";
import { deliverPendingEmails } from "@/lib/alerts/deliver-emails";
import { setMailer, type EmailMessage } from "@/lib/alerts/mailer";
import * as autoTopUpRoute from "@/app/api/v1/auto-top-up/route";
import * as notificationsRoute from "@/app/api/v1/notifications/route";
import { accountState, at2030, chargeUsage } from "./helpers";

setupTestDatabase();
afterEach(() => setMailer(null));

const put = (apiKey: string, body: unknown) => callRoute(autoTopUpRoute.PUT, { method: "PUT", apiKey, body });
const settings = (enabled = true) => ({ enabled, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(40) });

type Mode = "ok" | "declined" | "unanswered" | "answer_lost";

/**
 * A fake payment service. Each charge succeeds, is declined, gets no answer (nothing charged) or
 * loses its answer (charged, but the caller hears an error); a key charged once is never charged
 * again. findCharge sees what was charged under each key.
 */
function fakePayments(initial: Mode = "ok") {
  let mode = initial;
  let lookupsFail = false;
  const calls: { accountId: string; amount: Micros; key: string }[] = [];
  const charged = new Map<string, Micros>();
  const lookups: string[] = [];
  const charge: ChargeFn = async (accountId, amount, key) => {
    calls.push({ accountId, amount, key });
    await new Promise((r) => setTimeout(r, 5));
    if (mode === "declined") return { ok: false, message: "Your card was declined." };
    if (mode !== "unanswered" && !charged.has(key)) charged.set(key, amount);
    if (mode === "ok") return { ok: true, reference: `pi_${charged.size}` };
    throw new Error("An error occurred with our connection to Stripe.");
  };
  const findCharge: FindChargeFn = async (_accountId, key) => {
    lookups.push(key);
    if (lookupsFail) throw new Error("An error occurred with our connection to Stripe.");
    const amount = charged.get(key);
    return amount === undefined ? { status: "not_charged" } : { status: "succeeded", amountMicros: amount, reference: `pi_${key}` };
  };
  return {
    payments: { charge, findCharge } satisfies TopUpPayments,
    calls,
    charged,
    lookups,
    setMode: (m: Mode) => void (mode = m),
    failLookups: (fail: boolean) => void (lookupsFail = fail),
  };
}

/** A hand-written charge, with a look-up that finds nothing charged. */
const withCharge = (charge: ChargeFn): TopUpPayments => ({ charge, findCharge: async () => ({ status: "not_charged" }) });

/** Try an attempt that never hears back as often as it may be (7 times over 66 minutes); returns the clock used. */
async function tryUnanswered(accountId: string, payments: TopUpPayments, t0 = at2030(5, 1, 10).getTime()) {
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  for (let i = 0; i <= 6; i++) expect(await runAutoTopUp(accountId, payments, at(11 * i))).toMatchObject({ outcome: "charge_unknown" });
  return at;
}

const attemptRow = (accountId: string, n: number, month = "2030-05") =>
  db().jobRun.findFirstOrThrow({ where: { job: "auto-top-up-attempt", key: `${accountId}:${month}:${n}` } });

describe("auto top-up settings route", () => {
  it("shows defaults, lets the owner set valid values, and names the bad field", async () => {
    const acct = await createAccountFixture();
    expect((await callRoute(autoTopUpRoute.GET, { apiKey: acct.apiKey })).body).toEqual({
      enabled: false,
      thresholdUsd: "5.00",
      amountUsd: "20.00",
      monthlyMaxUsd: "100.00",
      toppedUpThisMonthUsd: "0.00",
    });
    const ok = await put(acct.apiKey, { enabled: true, thresholdUsd: "10.50", amountUsd: "25", monthlyMaxUsd: "75" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ enabled: true, thresholdUsd: "10.50", amountUsd: "25.00", monthlyMaxUsd: "75.00" });
    for (const [body, param] of [
      [{ enabled: true, thresholdUsd: "1", amountUsd: "4", monthlyMaxUsd: "100" }, "amountUsd"],
      [{ enabled: true, thresholdUsd: "1", amountUsd: "20.50", monthlyMaxUsd: "100" }, "amountUsd"],
      [{ enabled: true, thresholdUsd: "1", amountUsd: "50001", monthlyMaxUsd: "100000" }, "amountUsd"],
      [{ enabled: true, thresholdUsd: "-1", amountUsd: "20", monthlyMaxUsd: "100" }, "thresholdUsd"],
      [{ enabled: true, thresholdUsd: "1", amountUsd: "20", monthlyMaxUsd: "19.99" }, "monthlyMaxUsd"],
      [{ enabled: "yes", thresholdUsd: "1", amountUsd: "20", monthlyMaxUsd: "100" }, "enabled"],
    ] as const) {
      const res = await put(acct.apiKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.param).toBe(param);
    }
    const member = await addMemberFixture(acct.accountId);
    expect((await put(member.apiKey, { enabled: false, thresholdUsd: "1", amountUsd: "20", monthlyMaxUsd: "100" })).status).toBe(403);
    expect((await callRoute(autoTopUpRoute.GET, { apiKey: member.apiKey })).body.thresholdUsd).toBe("10.50");
  });
});

describe("auto top-up runs", () => {
  it("buys the amount below the threshold, exactly once per trigger, within the monthly maximum", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const { payments: charge, calls } = fakePayments();
    // Five instances notice the low balance at once: one charge, one grant.
    const runs = await Promise.all(Array.from({ length: 5 }, () => runAutoTopUp(acct.accountId, charge, at2030(5, 1))));
    expect(runs.filter((r) => r.outcome === "topped_up")).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ amount: usd(20), key: `auto-top-up:${acct.accountId}:2030-05:1` });
    let s = await accountState(acct.accountId, at2030(5, 1));
    expect([s.creditBalanceMicros, s.historicalMicros]).toEqual([usd(20), usd(20)]);
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 1))).toEqual({ outcome: "not_due", reason: "above_threshold" });

    await chargeUsage(acct.accountId, usd(18), at2030(5, 2));
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 2))).toMatchObject({
      outcome: "topped_up",
      idempotencyKey: `auto-top-up:${acct.accountId}:2030-05:2`,
    });
    await chargeUsage(acct.accountId, usd(20), at2030(5, 3));
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 3))).toEqual({ outcome: "not_due", reason: "monthly_max_reached" });
    // A new month has a new allowance.
    expect(await runAutoTopUp(acct.accountId, charge, at2030(6, 1))).toMatchObject({
      outcome: "topped_up",
      idempotencyKey: `auto-top-up:${acct.accountId}:2030-06:1`,
    });
    s = await accountState(acct.accountId, at2030(6, 1));
    expect(s.historicalMicros).toBe(usd(60));
  });

  it("a declined charge grants nothing, notifies the owner and backs off", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const { payments: charge, calls } = fakePayments("declined");
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 1, 10))).toMatchObject({
      outcome: "charge_failed",
      message: "Your card was declined.",
    });
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 1, 10))).toEqual({ outcome: "backing_off" });
    expect(calls).toHaveLength(1);
    expect((await accountState(acct.accountId, at2030(5, 1))).creditBalanceMicros).toBe(0n);
    expect(await db().notification.count({ where: { accountId: acct.accountId, kind: "auto_top_up_failed" } })).toBe(1);
    await runAutoTopUp(acct.accountId, charge, at2030(5, 1, 12));
    await runAutoTopUp(acct.accountId, charge, at2030(5, 1, 14));
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 1, 16))).toEqual({ outcome: "not_due", reason: "too_many_failures" });
    expect(calls.map((c) => c.key)).toEqual([1, 2, 3].map((n) => `auto-top-up:${acct.accountId}:2030-05:${n}`));
  });

  it("a charge with no answer (the payment service unreachable) is retried with the same key, and the owner is not told it failed", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const keys: string[] = [];
    let answer = false;
    const charge = withCharge(async (_accountId, _amount, key) => {
      keys.push(key);
      if (!answer)
        throw new Error(
          "\nInvalid `tx.account.findUnique()` invocation in\n/app/lib/payments/charge-saved-card.ts:17:34\n\nCan't reach database server",
        );
      return { ok: true, reference: "pi_late" };
    });
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 1, 10))).toMatchObject({ outcome: "charge_unknown" });
    expect(await db().notification.count({ where: { accountId: acct.accountId, kind: "auto_top_up_failed" } })).toBe(0);
    // Still that attempt's turn: nothing new is charged while it may be in flight…
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 1, 10))).toEqual({ outcome: "in_progress" });
    // …and once it is stale it is retried with its own key (the charge and the grant both dedupe on it).
    answer = true;
    const retried = new Date(at2030(5, 1, 10).getTime() + 11 * 60_000);
    expect(await runAutoTopUp(acct.accountId, charge, retried)).toMatchObject({ outcome: "topped_up" });
    expect(keys).toEqual([1, 1].map((n) => `auto-top-up:${acct.accountId}:2030-05:${n}`));
    expect((await accountState(acct.accountId, retried)).creditBalanceMicros).toBe(usd(20));
  });

  it("an unanswered attempt whose credits the webhook granted is closed, not charged again under its key", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const { payments: charge, calls, setMode } = fakePayments("unanswered");
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 1, 10))).toMatchObject({ outcome: "charge_unknown" });
    // The charge had gone through: payment_intent.succeeded grants it under the attempt's key.
    const first = `auto-top-up:${acct.accountId}:2030-05:1`;
    await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(20),
      idempotencyKey: first,
      kind: "credit_purchase",
      at: at2030(5, 1, 11),
    });
    // Days later — past the payment service's memory of that key — the balance falls below the threshold again.
    await chargeUsage(acct.accountId, usd(18), at2030(5, 4));
    setMode("ok");
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 4))).toMatchObject({
      outcome: "topped_up",
      idempotencyKey: `auto-top-up:${acct.accountId}:2030-05:2`,
    });
    expect(calls.map((c) => c.key)).toEqual([first, `auto-top-up:${acct.accountId}:2030-05:2`]);
    expect((await accountState(acct.accountId, at2030(5, 4))).creditBalanceMicros).toBe(usd(22));
    const attempt = await db().jobRun.findFirstOrThrow({ where: { job: "auto-top-up-attempt", key: `${acct.accountId}:2030-05:1` } });
    expect(attempt.status).toBe("succeeded");
    expect(await db().notification.count({ where: { accountId: acct.accountId, kind: "auto_top_up" } })).toBe(2);
  });

  it("an attempt that stays unanswered is retried with its first amount, then closed and the owner told", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const calls: { key: string; amount: Micros }[] = [];
    const charge = withCharge(async (_accountId, amount, key) => {
      calls.push({ key, amount });
      throw new Error("An error occurred with our connection to Stripe.");
    });
    const t0 = at2030(5, 1, 10).getTime();
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    expect(await runAutoTopUp(acct.accountId, charge, at(0))).toMatchObject({ outcome: "charge_unknown" });
    // The owner changes the amount meanwhile: a retry under the key must still ask for the first one.
    await setAutoTopUp(acct.accountId, { ...settings(), amountMicros: usd(30) }, acct.ownerId);
    for (let i = 1; i <= 6; i++)
      expect(await runAutoTopUp(acct.accountId, charge, at(11 * i))).toMatchObject({ outcome: "charge_unknown" });
    expect(calls).toHaveLength(7);
    expect(new Set(calls.map((c) => `${c.key} ${c.amount}`))).toEqual(new Set([`auto-top-up:${acct.accountId}:2030-05:1 ${usd(20)}`]));
    expect(await db().notification.count({ where: { accountId: acct.accountId, kind: "auto_top_up_failed" } })).toBe(0);
    // Six retries (about an hour) later it is closed as unconfirmed, the owner is told, and the back-off applies.
    expect(await runAutoTopUp(acct.accountId, charge, at(77))).toEqual({ outcome: "backing_off" });
    const notice = await db().notification.findFirstOrThrow({ where: { accountId: acct.accountId, kind: "auto_top_up_failed" } });
    expect(notice.body).toMatch(/could not confirm a charge of \$20\.00/);
    expect(calls).toHaveLength(7);
    // After the back-off, a new attempt (new key, the current amount).
    expect(await runAutoTopUp(acct.accountId, charge, at(77 + 60))).toMatchObject({ outcome: "charge_unknown" });
    expect(calls.at(-1)).toEqual({ key: `auto-top-up:${acct.accountId}:2030-05:2`, amount: usd(30) });
  });

  it("a charge closed unconfirmed that had gone through is found by its key and granted, never charged again", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const { payments, calls, lookups, setMode } = fakePayments("answer_lost");
    const at = await tryUnanswered(acct.accountId, payments);
    const first = `auto-top-up:${acct.accountId}:2030-05:1`;
    expect(calls.map((c) => c.key)).toEqual(Array(7).fill(first));
    // No webhook came: closing the attempt as unconfirmed, the run looks its charge up — and grants it.
    expect(await runAutoTopUp(acct.accountId, payments, at(77))).toEqual({
      outcome: "topped_up",
      idempotencyKey: first,
      amountMicros: usd(20),
    });
    expect([calls.length, lookups]).toEqual([7, [first]]);
    expect((await accountState(acct.accountId, at(77))).creditBalanceMicros).toBe(usd(20));
    expect((await attemptRow(acct.accountId, 1)).status).toBe("succeeded");
    expect(await db().notification.count({ where: { accountId: acct.accountId, kind: "auto_top_up" } })).toBe(1);
    // The next time the balance runs low, a new attempt charges as usual, without looking up again.
    await chargeUsage(acct.accountId, usd(18), at(78));
    setMode("ok");
    expect(await runAutoTopUp(acct.accountId, payments, at(78))).toMatchObject({
      outcome: "topped_up",
      idempotencyKey: `auto-top-up:${acct.accountId}:2030-05:2`,
    });
    expect(lookups).toEqual([first]);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ differences: [] });
  });

  it("nothing new is charged while an unconfirmed charge cannot be looked up (tried again every 10 minutes)", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const { payments, calls, lookups, setMode, failLookups } = fakePayments("unanswered");
    const at = await tryUnanswered(acct.accountId, payments);
    failLookups(true);
    expect(await runAutoTopUp(acct.accountId, payments, at(77))).toEqual({ outcome: "backing_off" });
    expect(await runAutoTopUp(acct.accountId, payments, at(80))).toEqual({ outcome: "backing_off" });
    expect([calls.length, lookups.length]).toEqual([7, 1]);
    expect(await runAutoTopUp(acct.accountId, payments, at(88))).toEqual({ outcome: "backing_off" });
    expect(lookups).toHaveLength(2);
    // The payment service answers again: the first charge never happened, so (after the back-off) a new attempt charges.
    failLookups(false);
    setMode("ok");
    expect(await runAutoTopUp(acct.accountId, payments, at(137))).toMatchObject({
      outcome: "topped_up",
      idempotencyKey: `auto-top-up:${acct.accountId}:2030-05:2`,
    });
    expect(lookups).toEqual(Array(3).fill(`auto-top-up:${acct.accountId}:2030-05:1`));
    expect(await attemptRow(acct.accountId, 1)).toMatchObject({
      status: "failed",
      result: { unconfirmed: false, lookedUp: "not charged" },
    });
  });

  it("an attempt left open at the end of a month is closed and looked up in the next, not charged again there", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const { payments, calls, lookups } = fakePayments("answer_lost");
    const t0 = Date.UTC(2030, 4, 31, 23, 58);
    expect(await runAutoTopUp(acct.accountId, payments, new Date(t0))).toMatchObject({ outcome: "charge_unknown" });
    // Five minutes into June the May attempt may still be in flight: nothing new yet.
    expect(await runAutoTopUp(acct.accountId, payments, new Date(t0 + 5 * 60_000))).toEqual({ outcome: "in_progress" });
    expect(await runAutoTopUp(acct.accountId, payments, new Date(t0 + 11 * 60_000))).toEqual({
      outcome: "topped_up",
      idempotencyKey: `auto-top-up:${acct.accountId}:2030-05:1`,
      amountMicros: usd(20),
    });
    expect([calls.length, lookups.length]).toEqual([1, 1]);
    expect(await db().jobRun.count({ where: { job: "auto-top-up-attempt", key: { startsWith: `${acct.accountId}:2030-06:` } } })).toBe(0);
  });

  it("the minute job visits an account with a charge to look up even when no top-up is due", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const { payments } = fakePayments("unanswered");
    const at = await tryUnanswered(acct.accountId, payments, Date.now() - 2 * 60 * 60_000);
    await db().jobRun.updateMany({
      where: { job: "auto-top-up-attempt", key: { startsWith: `${acct.accountId}:` } },
      data: { status: "failed", result: { message: UNCONFIRMED_MESSAGE } }, // closed unconfirmed by an earlier version
    });
    // The owner bought credits by hand and turned auto top-up off: still visited, until looked up.
    await grantCredits({ accountId: acct.accountId, amountMicros: usd(50), idempotencyKey: "cs_by_hand_2", kind: "credit_purchase" });
    await setAutoTopUp(acct.accountId, settings(false), acct.ownerId);
    expect(await autoTopUpCandidates()).toContain(acct.accountId);
    expect(await runAutoTopUp(acct.accountId, payments, at(200))).toEqual({ outcome: "not_due", reason: "disabled" });
    expect(await autoTopUpCandidates()).not.toContain(acct.accountId);
  });

  it("an unanswered attempt is never retried under its key a day later (the payment service has forgotten it)", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const { payments: charge, calls, lookups, setMode } = fakePayments("unanswered");
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 1, 10))).toMatchObject({ outcome: "charge_unknown" });
    // The owner buys credits by hand; two days later the balance is below the threshold again.
    await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(20),
      idempotencyKey: "cs_by_hand",
      kind: "credit_purchase",
      at: at2030(5, 1, 11),
    });
    await chargeUsage(acct.accountId, usd(18), at2030(5, 3));
    setMode("ok");
    expect(await runAutoTopUp(acct.accountId, charge, at2030(5, 3))).toMatchObject({
      outcome: "topped_up",
      idempotencyKey: `auto-top-up:${acct.accountId}:2030-05:2`,
    });
    expect(calls.map((c) => c.key)).toEqual([1, 2].map((n) => `auto-top-up:${acct.accountId}:2030-05:${n}`));
    expect(lookups).toEqual([`auto-top-up:${acct.accountId}:2030-05:1`]); // looked up before the new charge
    expect((await attemptRow(acct.accountId, 1)).status).toBe("failed");
  });

  it("an unanswered attempt that had charged the card is granted when closed a day later, not charged again", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(acct.accountId, settings(), acct.ownerId);
    const { payments, calls } = fakePayments("answer_lost");
    expect(await runAutoTopUp(acct.accountId, payments, at2030(5, 1, 10))).toMatchObject({ outcome: "charge_unknown" });
    await grantCredits({
      accountId: acct.accountId,
      amountMicros: usd(20),
      idempotencyKey: "cs_by_hand_lost_answer",
      kind: "credit_purchase",
      at: at2030(5, 1, 11),
    });
    await chargeUsage(acct.accountId, usd(18), at2030(5, 3));
    expect(await runAutoTopUp(acct.accountId, payments, at2030(5, 3))).toEqual({
      outcome: "topped_up",
      idempotencyKey: `auto-top-up:${acct.accountId}:2030-05:1`,
      amountMicros: usd(20),
    });
    expect(calls).toHaveLength(1);
    expect((await accountState(acct.accountId, at2030(5, 3))).creditBalanceMicros).toBe(usd(22));
  });

  it("needs a payment method and enabled settings", async () => {
    const trial = await createAccountFixture({ tier: "tier0" });
    // setAutoTopUp refuses this now (auto-top-up-needs-card.test.ts); a row saved before that rule still must not charge.
    await db().autoTopUp.create({ data: { accountId: trial.accountId, ...settings() } });
    const { payments: charge, calls } = fakePayments();
    expect(await runAutoTopUp(trial.accountId, charge)).toEqual({ outcome: "not_due", reason: "no_payment_method" });
    const off = await createAccountFixture({ tier: "tier1" });
    await setAutoTopUp(off.accountId, settings(false), off.ownerId);
    expect(await runAutoTopUp(off.accountId, charge)).toEqual({ outcome: "not_due", reason: "disabled" });
    expect(calls).toHaveLength(0);
  });
});

describe("budget alerts", () => {
  it("notifies at 50, 80 and 100 % of the limit once per period, and lists them newest first", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const keys = async () =>
      (await db().notification.findMany({ where: { accountId: acct.accountId, kind: "budget_alert" }, orderBy: { dedupeKey: "asc" } })).map(
        (n) => n.dedupeKey,
      );
    await chargeUsage(acct.accountId, usd(24), at2030(7, 1));
    expect(await keys()).toEqual([]);
    await chargeUsage(acct.accountId, usd(1), at2030(7, 2));
    await chargeUsage(acct.accountId, usd(1), at2030(7, 2));
    expect(await keys()).toEqual([`budget:${acct.accountId}:2030-07:spend:50`]);
    await chargeUsage(acct.accountId, usd(14), at2030(7, 3));
    await chargeUsage(acct.accountId, usd(10), at2030(7, 4));
    expect(await keys()).toHaveLength(3);
    await chargeUsage(acct.accountId, usd(30), at2030(8, 1));
    expect((await keys()).filter((k) => k.includes("2030-08"))).toEqual([`budget:${acct.accountId}:2030-08:spend:50`]);
    const res = await callRoute(notificationsRoute.GET, { apiKey: acct.apiKey, path: "/api/v1/notifications?limit=10" });
    expect(res.status).toBe(200);
    const kinds = res.body.notifications.map((n: { kind: string }) => n.kind);
    expect(kinds.filter((k: string) => k === "budget_alert")).toHaveLength(4);
    expect(kinds).toContain("account_suspended"); // $50 reached in July
    expect((await callRoute(notificationsRoute.GET, { apiKey: acct.apiKey, path: "/api/v1/notifications?limit=0" })).status).toBe(400);
  });

  it("warns when credits fall below $1 (or the auto top-up threshold), once per period", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(3) });
    await chargeUsage(acct.accountId, usd(2) + 500_000n, at2030(7, 1));
    await chargeUsage(acct.accountId, 100_000n, at2030(7, 2));
    const low = await db().notification.findMany({ where: { accountId: acct.accountId, kind: "low_credits" } });
    expect(low.map((n) => n.title)).toEqual(["Credit balance below $1.00"]);
  });

  it("e-mails new notifications to owners through the mailer, once", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    const now = new Date();
    await chargeUsage(acct.accountId, usd(30), now);
    const sent: EmailMessage[] = [];
    setMailer({ send: async (m) => void sent.push(m) });
    const first = await deliverPendingEmails({ now });
    expect(first.sent).toBeGreaterThanOrEqual(1);
    const mine = sent.filter((m) => m.to.includes(acct.ownerEmail));
    expect(mine.map((m) => m.subject)).toContain("[Headroom] 50% of your monthly spend limit used");
    expect(mine.every((m) => m.to.length === 1)).toBe(true);
    expect(await deliverPendingEmails({ now })).toEqual({ sent: 0, failed: 0 });
    expect(await deliverPendingEmails({ now, mailer: null })).toEqual({ sent: 0, failed: 0 });
  });
});

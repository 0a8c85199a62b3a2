// Auto top-up buys credits with the saved card (SPEC §4), so "enabled" means "a card is on file":
// the API refuses to turn it on without one (409, the message says to add a card first), and when
// the last card goes away anyway (Stripe detached it: payment_method.detached) auto top-up is
// turned off in the same transaction and the owner is told — never left "enabled" while it can
// never run. Settings saved "on" without a card before that rule are turned off by a migration (the
// owner told), turned off by the auto top-up job if it still finds any, and never read as "on".
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { applyMigrationBackfill } from "../../helpers/migration-backfill";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { recordPaymentMethod } from "@/lib/billing/record-payment-method";
import { removePaymentMethod } from "@/lib/billing/remove-payment-method";
import { setAutoTopUp } from "@/lib/billing/auto-top-up-settings";
import { runAutoTopUp, type TopUpPayments } from "@/lib/billing/run-auto-top-up";
import * as autoTopUpRoute from "@/app/api/v1/auto-top-up/route";

setupTestDatabase();

const ON = { enabled: true, thresholdUsd: "5", amountUsd: "20", monthlyMaxUsd: "100" };
const put = (apiKey: string, body: unknown) => callRoute(autoTopUpRoute.PUT, { method: "PUT", apiKey, body });
const get = async (apiKey: string) => (await callRoute(autoTopUpRoute.GET, { apiKey })).body;

describe("turning auto top-up on", () => {
  it("is refused without a card on file: 409, saying to add a card first; nothing is saved", async () => {
    const trial = await createAccountFixture({ tier: "tier0" });
    const res = await put(trial.apiKey, ON);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "payment_method_required" });
    expect(res.body.error.message).toMatch(/add a card first/i);
    expect(await get(trial.apiKey)).toMatchObject({ enabled: false });
    // The verb says so as a value, too.
    expect(
      await setAutoTopUp(
        trial.accountId,
        { enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) },
        trial.ownerId,
      ),
    ).toMatchObject({ ok: false, reason: "no_payment_method" });

    // Saving the settings switched off is fine without a card; once a card is added, it turns on.
    expect((await put(trial.apiKey, { ...ON, enabled: false, thresholdUsd: "7" })).status).toBe(200);
    await recordPaymentMethod({
      accountId: trial.accountId,
      stripePaymentMethodId: `pm_needs_card_${trial.accountId}`,
      brand: "visa",
      last4: "4242",
      expMonth: 12,
      expYear: 2035,
    });
    const on = await put(trial.apiKey, ON);
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ enabled: true });
  });
});

describe("the last card going away while auto top-up is on", () => {
  it("turns auto top-up off and tells the owner; removing one of two cards leaves it on", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(3) });
    await recordPaymentMethod({
      accountId: acct.accountId,
      stripePaymentMethodId: `pm_second_${acct.accountId}`,
      brand: "mastercard",
      last4: "4444",
      expMonth: 12,
      expYear: 2035,
    });
    expect((await put(acct.apiKey, ON)).status).toBe(200);

    // One of two cards detached: auto top-up still has a card to charge.
    expect(await removePaymentMethod({ accountId: acct.accountId, stripePaymentMethodId: `pm_second_${acct.accountId}` })).toMatchObject({
      ok: true,
      remaining: 1,
    });
    expect(await get(acct.apiKey)).toMatchObject({ enabled: true });

    // The owner cannot remove the last one while it is on (409 on DELETE, unchanged)…
    expect(
      await removePaymentMethod({
        accountId: acct.accountId,
        stripePaymentMethodId: `pm_fixture_${acct.accountId}`,
        keepLastForAutoTopUp: true,
      }),
    ).toMatchObject({ ok: false, reason: "auto_top_up_on" });
    // …but Stripe can detach it (payment_method.detached): auto top-up is then off, and the owner told.
    expect(await removePaymentMethod({ accountId: acct.accountId, stripePaymentMethodId: `pm_fixture_${acct.accountId}` })).toMatchObject({
      ok: true,
      removed: true,
      remaining: 0,
    });
    expect(await get(acct.apiKey)).toMatchObject({ enabled: false, thresholdUsd: "5.00", amountUsd: "20.00" });
    const notes = await db().notification.findMany({ where: { accountId: acct.accountId, kind: "auto_top_up" } });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.title).toMatch(/auto top-up (is )?turned off/i);
    expect(notes[0]!.body).toMatch(/add a card/i);
    expect(await db().auditLog.count({ where: { accountId: acct.accountId, action: "auto_top_up.disabled" } })).toBe(1);

    // A duplicate detach changes nothing and does not notify twice.
    await removePaymentMethod({ accountId: acct.accountId, stripePaymentMethodId: `pm_fixture_${acct.accountId}` });
    expect(await db().notification.count({ where: { accountId: acct.accountId, kind: "auto_top_up" } })).toBe(1);
  });

  it("a card removed while auto top-up is off changes nothing about it and sends nothing", async () => {
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: usd(3) });
    await removePaymentMethod({ accountId: acct.accountId, stripePaymentMethodId: `pm_fixture_${acct.accountId}` });
    expect(await get(acct.apiKey)).toMatchObject({ enabled: false });
    expect(await db().notification.count({ where: { accountId: acct.accountId, kind: "auto_top_up" } })).toBe(0);
  });
});

describe("settings saved on without a card, before a card was required", () => {
  const saved = { enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(100) };
  const noCharges: TopUpPayments = {
    charge: async () => {
      throw new Error("no charge may be attempted");
    },
    findCharge: async () => ({ status: "not_charged" }),
  };
  const notices = (accountId: string) => db().notification.findMany({ where: { accountId, kind: "auto_top_up" } });

  it("read as off; the migration turns them off and tells the owner, once, leaving accounts with a card alone", async () => {
    // Rows as the API saved them before the rule (it refuses them now).
    const legacy = await createAccountFixture({ tier: "tier0", creditsMicros: usd(8) });
    await db().autoTopUp.create({ data: { accountId: legacy.accountId, ...saved } });
    const withCard = await createAccountFixture({ tier: "tier1" });
    await db().autoTopUp.create({ data: { accountId: withCard.accountId, ...saved } });
    const offAlready = await createAccountFixture({ tier: "tier0" });
    await db().autoTopUp.create({ data: { accountId: offAlready.accountId, ...saved, enabled: false } });

    // Whatever the row says, an account without a card is not shown auto top-up on (console, CLI, operator).
    expect(await get(legacy.apiKey)).toMatchObject({ enabled: false, thresholdUsd: "5.00", amountUsd: "20.00" });
    expect(await get(withCard.apiKey)).toMatchObject({ enabled: true });

    await applyMigrationBackfill("auto_top_up_needs_card");
    expect(await db().autoTopUp.findUniqueOrThrow({ where: { accountId: legacy.accountId } })).toMatchObject({
      enabled: false,
      thresholdMicros: usd(5),
      amountMicros: usd(20),
      monthlyMaxMicros: usd(100),
    });
    const [notice, ...more] = await notices(legacy.accountId);
    expect(more).toEqual([]);
    expect(notice!.title).toMatch(/auto top-up turned off/i);
    expect(notice!.body).toMatch(/no card/i);
    expect(notice!.body).toMatch(/add a card/i);
    expect(await db().auditLog.count({ where: { accountId: legacy.accountId, action: "auto_top_up.disabled" } })).toBe(1);
    // The account with a card keeps it on; one already off is not told anything.
    expect((await db().autoTopUp.findUniqueOrThrow({ where: { accountId: withCard.accountId } })).enabled).toBe(true);
    expect(await notices(withCard.accountId)).toEqual([]);
    expect(await notices(offAlready.accountId)).toEqual([]);

    // Run again (another instance, a re-deploy): nothing changes, nobody is told twice.
    await applyMigrationBackfill("auto_top_up_needs_card");
    expect(await notices(legacy.accountId)).toHaveLength(1);
    expect(await db().auditLog.count({ where: { accountId: legacy.accountId, action: "auto_top_up.disabled" } })).toBe(1);

    // The owner adds a card and turns it on again: the saved amounts are still there.
    await recordPaymentMethod({
      accountId: legacy.accountId,
      stripePaymentMethodId: `pm_legacy_${legacy.accountId}`,
      brand: "visa",
      last4: "4242",
      expMonth: 12,
      expYear: 2035,
    });
    expect((await put(legacy.apiKey, { ...ON, amountUsd: "20" })).status).toBe(200);
    expect(await get(legacy.apiKey)).toMatchObject({ enabled: true });
  });

  it("one the auto top-up job still finds is turned off and the owner told; nothing is charged", async () => {
    const legacy = await createAccountFixture({ tier: "tier0", creditsMicros: usd(1) }); // below the $5 threshold
    await db().autoTopUp.create({ data: { accountId: legacy.accountId, ...saved } });
    expect(await runAutoTopUp(legacy.accountId, noCharges)).toEqual({ outcome: "not_due", reason: "no_payment_method" });
    expect((await db().autoTopUp.findUniqueOrThrow({ where: { accountId: legacy.accountId } })).enabled).toBe(false);
    const [notice, ...more] = await notices(legacy.accountId);
    expect(more).toEqual([]);
    expect(notice!.body).toMatch(/no card/i);
    // The next run finds it off.
    expect(await runAutoTopUp(legacy.accountId, noCharges)).toEqual({ outcome: "not_due", reason: "disabled" });
    expect(await notices(legacy.accountId)).toHaveLength(1);
  });
});

// A charge that takes an account to its spend limit suspends it in a second, short transaction after
// the charge has committed. If that second step fails (the database hiccups between the two), the
// charge must still count as done — retrying it would insert nothing and so suspend nothing — and
// the suspension must still happen, by itself, once the database accepts it again.
import { afterEach, describe, expect, it, vi } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture, usageChargeFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { chargeUsageBatch } from "@/lib/billing/charge-usage-batch";
import { Meter } from "@/lib/gateway/meter";
import { log } from "@/lib/log";

setupTestDatabase();

/** While the gate holds a row, PostgreSQL refuses to record any suspension reason. */
async function closeSuspensionGate(): Promise<void> {
  await db().$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS test_suspension_gate (closed int)`);
  await db().$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION test_refuse_suspension() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_suspension_gate) THEN RAISE EXCEPTION 'suspension writes refused by the test'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await db().$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_refuse_suspension ON "SuspensionReason"`);
  await db().$executeRawUnsafe(
    `CREATE TRIGGER test_refuse_suspension BEFORE INSERT ON "SuspensionReason" FOR EACH ROW EXECUTE FUNCTION test_refuse_suspension()`,
  );
  await db().$executeRawUnsafe(`INSERT INTO test_suspension_gate VALUES (1)`);
}

const openSuspensionGate = () => db().$executeRawUnsafe(`DELETE FROM test_suspension_gate`);

async function accountState(accountId: string) {
  return db().account.findUniqueOrThrow({
    where: { id: accountId },
    select: { status: true, monthlySpendMicros: true, suspensionReasons: { where: { liftedAt: null }, select: { reason: true } } },
  });
}

async function waitForSuspension(accountId: string, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const state = await accountState(accountId);
    if (state.status === "suspended" || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterEach(async () => {
  await db().$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_refuse_suspension ON "SuspensionReason"`);
});

describe("suspension after a charge, when recording it fails", () => {
  it("the charge stands, and the account is suspended once the database accepts it", async () => {
    const model = await createModelFixture();
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    await closeSuspensionGate();

    const result = await chargeUsageBatch([usageChargeFixture("req_resync_1", acct.accountId, model, { costMicros: usd(1) })]);
    expect(result.charged).toBe(1);
    const before = await accountState(acct.accountId);
    expect(before.monthlySpendMicros).toBe(usd(1));
    expect(before.status).toBe("active"); // the suspension was refused…

    await openSuspensionGate();
    const after = await waitForSuspension(acct.accountId, 5_000);
    expect(after.status).toBe("suspended"); // …and recorded by itself once it could be
    expect(after.suspensionReasons.map((r) => r.reason)).toEqual(["spend_limit_reached"]);
    expect(after.monthlySpendMicros).toBe(usd(1)); // charged once
  });

  it("the meter answers the request and moves on instead of retrying the committed batch", async () => {
    const model = await createModelFixture();
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    await closeSuspensionGate();
    const flushes: number[] = [];
    const meter = new Meter({ onFlush: (size) => flushes.push(size) });
    const errors = vi.spyOn(log, "error");
    try {
      await meter.record(usageChargeFixture("req_resync_2", acct.accountId, model, { costMicros: usd(1) }), { waitMs: 5_000 });
      await meter.record(usageChargeFixture("req_resync_3", acct.accountId, model, { costMicros: 1n }), { waitMs: 5_000 });
      expect(flushes).toEqual([1, 1]);
      // Committed once, answered at once: the flush did not fail and was not replayed.
      expect(errors.mock.calls.map(([msg]) => msg)).not.toContain("meter flush failed; retrying");
    } finally {
      errors.mockRestore();
      await openSuspensionGate();
      await meter.close();
    }
    const after = await waitForSuspension(acct.accountId, 5_000);
    expect(after.status).toBe("suspended");
    expect(after.monthlySpendMicros).toBe(usd(1) + 1n);
  });
});

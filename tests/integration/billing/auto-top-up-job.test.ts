// The minute "auto-top-up" job runs each candidate account on its own: one whose run fails (here the
// database refuses its attempt rows) is reported as an error, and the accounts after it still run.
import { afterAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { setAutoTopUp } from "@/lib/billing/auto-top-up-settings";
import { getJob } from "@/lib/jobs/jobs";

setupTestDatabase();
afterAll(() => db().$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_refuse_attempt ON "JobRun"`));

describe("auto-top-up job", () => {
  it("carries on past an account whose run fails", async () => {
    const settings = { enabled: true, thresholdMicros: usd(5), amountMicros: usd(20), monthlyMaxMicros: usd(40) };
    const broken = await createAccountFixture({ tier: "tier1" });
    const others = [await createAccountFixture({ tier: "tier0" }), await createAccountFixture({ tier: "tier0" })];
    await setAutoTopUp(broken.accountId, settings, broken.ownerId);
    // Rows saved before auto top-up needed a card (setAutoTopUp refuses them now): still run, never charged.
    for (const a of others) await db().autoTopUp.create({ data: { accountId: a.accountId, ...settings } });
    await db().$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION test_refuse_attempt() RETURNS trigger AS $$
      BEGIN
        IF NEW."key" LIKE '${broken.accountId}:%' THEN RAISE EXCEPTION 'attempt rows refused by the test'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await db().$executeRawUnsafe(
      `CREATE TRIGGER test_refuse_attempt BEFORE INSERT ON "JobRun" FOR EACH ROW EXECUTE FUNCTION test_refuse_attempt()`,
    );

    const result = (await getJob("auto-top-up")!.run({ at: new Date() })) as { outcomes: { accountId: string; outcome: string }[] };
    expect(result.outcomes).toContainEqual({ accountId: broken.accountId, outcome: "error" });
    // The others (no card on file) were run, whatever the order.
    for (const a of others) expect(result.outcomes).toContainEqual({ accountId: a.accountId, outcome: "not_due" });
  });
});

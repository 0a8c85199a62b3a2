// A record the database refuses for its data (here a token count past PostgreSQL's int range) must
// not hold back its lane: retrying the same batch would fail for ever. The meter halves the lane's
// batches until that record is alone, drops it (its caller hears it was withdrawn: never charged),
// and commits every other record of the batch — and what comes after — as usual.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture, usageChargeFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { Meter, MeterUnavailableError } from "@/lib/gateway/meter";

setupTestDatabase();

describe("a usage record the database refuses", () => {
  it("is dropped alone; the rest of its batch and the records after it are charged", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const charge = (requestId: string, promptTokens = 3) => usageChargeFixture(requestId, acct.accountId, model, { promptTokens });
    const flushes: number[] = [];
    const meter = new Meter({ onFlush: (size) => flushes.push(size) });
    const good = ["req_refused_ok_1", "req_refused_ok_2", "req_refused_ok_3", "req_refused_ok_4", "req_refused_ok_5"];
    // Queued in one tick: one batch, the refused record in the middle of it.
    const outcomes = await Promise.allSettled([
      meter.record(charge(good[0]!)),
      meter.record(charge(good[1]!)),
      meter.record(charge("req_refused_bad", 2 ** 31)),
      meter.record(charge(good[2]!)),
      meter.record(charge(good[3]!)),
      meter.record(charge(good[4]!)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    const refused = (outcomes[2] as PromiseRejectedResult).reason;
    expect(refused).toBeInstanceOf(MeterUnavailableError);
    expect((refused as MeterUnavailableError).withdrawn).toBe(true);

    const usage = await db().usageRecord.findMany({ where: { accountId: acct.accountId }, select: { requestId: true } });
    expect(usage.map((u) => u.requestId).sort()).toEqual(good);
    expect(await db().ledgerEntry.count({ where: { accountId: acct.accountId, kind: "usage_charge" } })).toBe(5);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId }, select: { monthlySpendMicros: true } });
    expect(account.monthlySpendMicros).toBe(500n);

    // The lane goes on: later records are charged, and batches grow back.
    await Promise.all(["req_refused_after_1", "req_refused_after_2"].map((id) => meter.record(charge(id))));
    expect(await db().usageRecord.count({ where: { accountId: acct.accountId } })).toBe(7);
    expect(flushes.reduce((t, n) => t + n, 0)).toBe(7);
    await meter.close();
  });
});

// Settling a response answered 503 ("not charged") whose flush's outcome was unknown: charged after
// all, it is credited back; never charged, it is fenced — a withdrawn usage record takes its request
// id, so a flush that reaches the database only later (a partition that heals) charges nothing.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture, usageChargeFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { chargeUsageBatch } from "@/lib/billing/charge-usage-batch";
import { settleWithdrawnCharges } from "@/lib/billing/settle-withdrawn-charges";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { usageSeries } from "@/lib/usage/usage-series";

const database = setupTestDatabase();
const onPostgres = Boolean(process.env.DATABASE_URL);

const counters = (accountId: string) =>
  db().account.findUniqueOrThrow({ where: { id: accountId }, select: { monthlySpendMicros: true, creditBalanceMicros: true } });
const ledgerOf = (accountId: string) =>
  db().ledgerEntry.findMany({
    where: { accountId },
    select: { kind: true, idempotencyKey: true, amountMicros: true },
    orderBy: { createdAt: "asc" },
  });

describe("settling withdrawn responses in doubt", () => {
  it("one never charged is fenced: a flush arriving after the check charges nothing, and the charts leave it out", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const late = usageChargeFixture("req_settle_late", acct.accountId, model, { costMicros: 9n, promptTokens: 40, completionTokens: 8 });
    const before = await counters(acct.accountId);
    const ledgerBefore = await ledgerOf(acct.accountId);

    expect(await settleWithdrawnCharges([late])).toEqual(new Set());
    const fence = await db().usageRecord.findUniqueOrThrow({ where: { id: "ur_req_settle_late" } });
    expect(fence).toMatchObject({ requestId: "req_settle_late", withdrawn: true, costMicros: 0n, promptTokens: 40, completionTokens: 8 });

    // The statement that carried it reaches PostgreSQL only now: it inserts nothing and charges nothing.
    expect(await chargeUsageBatch([late])).toMatchObject({ charged: 0 });
    expect(await ledgerOf(acct.accountId)).toEqual(ledgerBefore);
    expect(await counters(acct.accountId)).toEqual(before);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });

    // A second check changes nothing (the fence is what it finds: recorded, not charged).
    expect(await settleWithdrawnCharges([late])).toEqual(new Set());
    expect(await db().usageRecord.count({ where: { requestId: "req_settle_late" } })).toBe(1);

    // Not usage: the account's charts show no request.
    const series = await usageSeries(acct.accountId, { since: 3_600_000, granularity: "minute", model: model.name });
    const points = series.series.flatMap((m) => m.points);
    expect(points.reduce((sum, p) => sum + p.requests, 0)).toBe(0);
  });

  it("one charged is credited back once, whatever the number of checks", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const charge = usageChargeFixture("req_settle_charged", acct.accountId, model, { costMicros: 11n });
    expect(await chargeUsageBatch([charge])).toMatchObject({ charged: 1 });
    const charged = await counters(acct.accountId);

    expect(await settleWithdrawnCharges([charge])).toEqual(new Set(["req_settle_charged"]));
    expect(await settleWithdrawnCharges([charge])).toEqual(new Set(["req_settle_charged"]));
    const credits = await db().ledgerEntry.findMany({ where: { accountId: acct.accountId, kind: "adjustment" } });
    expect(credits.map((c) => [c.idempotencyKey, c.amountMicros])).toEqual([["withdrawn:req_settle_charged", 11n]]);
    expect(await db().usageRecord.findUniqueOrThrow({ where: { id: "ur_req_settle_charged" } })).toMatchObject({ withdrawn: false });
    // The charge stays in the month's spend; its amount is back as credits.
    expect(await counters(acct.accountId)).toEqual({ ...charged, creditBalanceMicros: charged.creditBalanceMicros + 11n });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it.skipIf(!onPostgres)("a flush still running when the check runs is waited for, and its charge then credited back", async () => {
    const model = await createModelFixture({ baseRpm: 1000, capRpm: 1000 });
    const acct = await createAccountFixture({ tier: "tier1" });
    const charge = usageChargeFixture("req_settle_racing", acct.accountId, model, { costMicros: 13n });
    // Another session holds the account's row: the flush inserts its usage record (uncommitted) and
    // then waits for the row.
    const holder = new pg.Client({ connectionString: database.current!.url! });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(`SELECT 1 FROM "Account" WHERE "id" = $1 FOR UPDATE`, [acct.accountId]);
    const flush = chargeUsageBatch([charge]);
    await waitUntil(async () => (await lockWaiters(holder)) >= 1);
    // The check's fence waits for the flush's uncommitted record rather than slipping in before it.
    let settledWith: Set<string> | null = null;
    const settling = settleWithdrawnCharges([charge]).then((s) => (settledWith = s));
    await waitUntil(async () => (await lockWaiters(holder)) >= 2);
    expect(settledWith).toBeNull();

    await holder.query("COMMIT");
    await holder.end();
    expect(await flush).toMatchObject({ charged: 1 });
    await settling;
    expect(settledWith).toEqual(new Set(["req_settle_racing"]));
    expect(await db().usageRecord.findUniqueOrThrow({ where: { id: "ur_req_settle_racing" } })).toMatchObject({ withdrawn: false });
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });
});

/** Sessions of this database waiting for a lock (other than `client`'s own). */
async function lockWaiters(client: pg.Client): Promise<number> {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
  );
  return rows[0].n as number;
}

async function waitUntil(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

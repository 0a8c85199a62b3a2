// Every statement that locks several spend leases locks them in id order — the meter's flush (which
// draws leases down) as well as the holder's renewals and releases. Two statements that lock the
// same leases in different orders deadlock: PostgreSQL then waits deadlock_timeout (1 s) and aborts
// one, and a flush aborted that way held up every response in its lane for over a second (seen in
// bench:gateway across 8 accounts, where one instance renews 16 leases at once).
//
// Each test holds the smallest of six leases in another transaction, starts the statement, and then
// takes the others with NOWAIT: that succeeds only if the statement waits on the smallest without
// having locked any other first. The leases are inserted largest id first, so a statement that
// follows the table's physical order (a sequential scan) or a hash's order takes them out of order.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture, usageChargeFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { chargeUsageBatch, type UsageCharge } from "@/lib/billing/charge-usage-batch";
import { releaseSpendLeases, renewSpendLeases, revokeAccountLeases } from "@/lib/billing/spend-lease";
import { getJob } from "@/lib/jobs/jobs";

const database = setupTestDatabase();
const postgres = !!process.env.DATABASE_URL;

let other: pg.Client;
beforeAll(async () => {
  if (!postgres) return;
  other = new pg.Client({ connectionString: database.current!.url });
  await other.connect();
});
afterAll(async () => {
  await other?.end();
});

let n = 0;
/** Six leases of a new account, inserted largest id first; `small` is the smallest, `large` the others. */
async function sixLeases(): Promise<{ accountId: string; small: string; large: string[]; all: string[] }> {
  const { accountId } = await createAccountFixture({ tier: "tier2", paymentMethod: true });
  n++;
  const all = ["a", "b", "c", "d", "e", "f"].map((x) => `sl_order_${n}_${x}`);
  const expiresAt = new Date(Date.now() + 60_000);
  for (const id of [...all].reverse())
    await db().spendLease.create({ data: { id, accountId, holder: "test", amountMicros: 1_000_000n, expiresAt } });
  return { accountId, small: all[0]!, large: all.slice(1), all };
}

/** Runs `statement` while `small` is locked elsewhere; true if every lease in `large` was still free meanwhile. */
async function largeStaysFree(small: string, large: string[], statement: () => Promise<unknown>): Promise<boolean> {
  await other.query("BEGIN");
  await other.query(`SELECT 1 FROM "SpendLease" WHERE "id" = $1 FOR UPDATE`, [small]);
  const running = statement();
  await new Promise((r) => setTimeout(r, 300)); // the statement is now waiting for `small`
  let free = true;
  try {
    await other.query(`SELECT 1 FROM "SpendLease" WHERE "id" = ANY($1) FOR UPDATE NOWAIT`, [large]);
  } catch {
    free = false;
  }
  await other.query("COMMIT");
  await running;
  return free;
}

function charge(requestId: string, accountId: string, modelId: string, leaseId: string): UsageCharge {
  return usageChargeFixture(requestId, accountId, { id: modelId, name: "m" }, { leaseId });
}

describe.runIf(postgres)("spend leases are locked in id order", () => {
  it("by the meter's flush", async () => {
    await seedModelsFixture();
    const model = await db().model.findFirstOrThrow({ select: { id: true } });
    const { accountId, small, large, all } = await sixLeases();
    const batch = [...all].reverse().map((lease, i) => charge(`req_lo_${n}_${i}`, accountId, model.id, lease));
    expect(await largeStaysFree(small, large, () => chargeUsageBatch(batch))).toBe(true);
    const leases = await db().spendLease.findMany({ where: { accountId }, orderBy: { id: "asc" } });
    expect(leases.map((l) => l.amountMicros)).toEqual(all.map(() => 999_900n));
  });

  it("by renewals", async () => {
    const { small, large, all } = await sixLeases();
    let renewed = new Set<string>();
    expect(await largeStaysFree(small, large, async () => (renewed = (await renewSpendLeases([...all].reverse())).live))).toBe(true);
    expect([...renewed].sort()).toEqual(all);
  });

  it("by releases and revocations", async () => {
    const first = await sixLeases();
    expect(await largeStaysFree(first.small, first.large, () => releaseSpendLeases([...first.all].reverse()))).toBe(true);
    const second = await sixLeases();
    expect(await largeStaysFree(second.small, second.large, () => revokeAccountLeases(second.accountId))).toBe(true);
    expect(await db().spendLease.count({ where: { accountId: first.accountId } })).toBe(0);
    // Revoked, not deleted: their holders (none here) cut them to what they hold in flight.
    expect(await db().spendLease.count({ where: { accountId: second.accountId, revoked: true } })).toBe(6);
  });
});

describe("spend-lease-cleanup job", () => {
  it("deletes leases lapsed over a minute ago and keeps the others", async () => {
    const { accountId } = await createAccountFixture({ tier: "tier2", paymentMethod: true });
    const now = new Date();
    const at = (ms: number) => new Date(now.getTime() + ms);
    for (const [id, expiresAt] of [
      ["sl_cleanup_live", at(30_000)],
      ["sl_cleanup_just_lapsed", at(-30_000)],
      ["sl_cleanup_old", at(-61_000)],
    ] as const)
      await db().spendLease.create({ data: { id, accountId, holder: "gone", amountMicros: 1n, expiresAt } });
    const result = await getJob("spend-lease-cleanup")!.run({ at: now });
    expect(result).toEqual({ deleted: 1 });
    const left = await db().spendLease.findMany({ where: { accountId }, select: { id: true }, orderBy: { id: "asc" } });
    expect(left.map((l) => l.id)).toEqual(["sl_cleanup_just_lapsed", "sl_cleanup_live"]);
  });
});

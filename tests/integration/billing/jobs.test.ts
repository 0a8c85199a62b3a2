// Background jobs (SPEC §12): each (job, key) runs once across instances; failed or abandoned runs
// are taken over; the scheduler runs month close once per month and leaves the rest to the keys.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import { usd } from "@/lib/money";
import { registerJob } from "@/lib/jobs/jobs";
import { runJobOnce } from "@/lib/jobs/runner";
import { startJobScheduler } from "@/lib/jobs/scheduler";
import { at2030, chargeUsage } from "./helpers";

setupTestDatabase();

describe("job runner", () => {
  it("runs a key once, retries a failed run after the delay, and takes over a run whose instance died", async () => {
    let calls = 0;
    const work = async () => ++calls;
    const now = at2030(1, 1);
    const first = await Promise.all(Array.from({ length: 5 }, () => runJobOnce("test-once", "k1", work, { now })));
    expect(first.filter((r) => r.ran)).toHaveLength(1);
    expect(await runJobOnce("test-once", "k1", work, { now })).toEqual({ ran: false, reason: "already_done" });

    const failing = await runJobOnce("test-once", "k2", async () => Promise.reject(new Error("boom")), { now });
    expect(failing).toMatchObject({ ran: true, ok: false, error: "boom" });
    const finished = await db().jobRun.findUniqueOrThrow({ where: { job_key: { job: "test-once", key: "k2" } } });
    const soon = new Date(finished.finishedAt!.getTime() + 1_000);
    expect(await runJobOnce("test-once", "k2", work, { now: soon, retryFailedAfterMs: 60_000 })).toEqual({
      ran: false,
      reason: "retry_later",
    });
    const later = new Date(finished.finishedAt!.getTime() + 61_000);
    expect(await runJobOnce("test-once", "k2", work, { now: later, retryFailedAfterMs: 60_000 })).toMatchObject({ ran: true, ok: true });

    // A database error is recorded by its cause, not Prisma's multi-line message with source excerpts.
    const dbError = await runJobOnce("test-once", "k4", () => db().$queryRawUnsafe('SELECT * FROM "NoSuchTable"'), { now });
    const recorded = await db().jobRun.findUniqueOrThrow({ where: { job_key: { job: "test-once", key: "k4" } } });
    expect(recorded.result).toEqual({ error: expect.stringContaining('relation "NoSuchTable" does not exist') });
    expect(dbError).toMatchObject({ ok: false, error: (recorded.result as { error: string }).error });
    expect(JSON.stringify(recorded.result)).not.toMatch(/Invalid `|invocation|\\n|\.ts/);

    await db().jobRun.create({ data: { job: "test-once", key: "k3", startedAt: now } });
    expect(await runJobOnce("test-once", "k3", work, { now: new Date(now.getTime() + 60_000) })).toEqual({
      ran: false,
      reason: "in_progress",
    });
    expect(await runJobOnce("test-once", "k3", work, { now: new Date(now.getTime() + 31 * 60_000) })).toMatchObject({
      ran: true,
      ok: true,
    });
  });
});

describe("scheduler", () => {
  it("two instances ticking at once close last month once; a registered job runs once per key", async () => {
    const acct = await createAccountFixture({ tier: "tier1" });
    await chargeUsage(acct.accountId, usd(7), at2030(4, 10));
    let custom = 0;
    registerJob({
      name: "test-metering",
      description: "test",
      scheduleKey: (now) => now.toISOString().slice(0, 13),
      everyMs: 1,
      run: async () => ++custom,
    });
    const a = startJobScheduler({ autoStart: false });
    const b = startJobScheduler({ autoStart: false });
    const now = at2030(5, 1, 0);
    await Promise.all([a.tick(now), b.tick(now)]);
    const invoices = await db().invoice.findMany({ where: { accountId: acct.accountId } });
    expect(invoices.map((i) => i.totalMicros)).toEqual([usd(7)]);
    expect(await db().jobRun.count({ where: { job: "month-close", key: "2030-04", status: "succeeded" } })).toBe(1);
    expect(custom).toBe(1);
    await a.tick(new Date(now.getTime() + 60 * 60_000));
    expect(custom).toBe(2);
    await Promise.all([a.stop(), b.stop()]);
  });
});

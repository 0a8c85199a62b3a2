// On PostgreSQL the server runs its background jobs on a thread of their own (lib/jobs/scheduler-
// thread.ts): the thread opens its own connection, runs what is due at once (last month's close,
// today's reconciliation), answers a tick, and stops cleanly. (PGlite keeps them in-process.)
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { periodLabel, previousMonthStart } from "@/lib/billing/period";
import { startJobSchedulerThread } from "@/lib/jobs/scheduler-thread";
import type { SchedulerHandle } from "@/lib/jobs/scheduler";
import { setupTestDatabase } from "../../helpers/test-db";

const database = setupTestDatabase();
const onPostgres = Boolean(process.env.DATABASE_URL);
let scheduler: SchedulerHandle | undefined;
afterAll(async () => scheduler?.stop());

async function succeeded(job: string, key: string, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    const run = await db().jobRun.findUnique({ where: { job_key: { job, key } }, select: { status: true } });
    if (run?.status === "succeeded") return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe.skipIf(!onPostgres)("the job scheduler thread", () => {
  it("runs the jobs due at start-up on its own connection, answers a tick and stops", async () => {
    const now = new Date();
    scheduler = startJobSchedulerThread({ env: { ...process.env, DATABASE_URL: database.current!.url!, HEADROOM_LOG_LEVEL: "warn" } });
    // Loading the thread (tsx, Prisma) takes a few seconds on a loaded 2-core machine.
    expect(await succeeded("month-close", periodLabel(previousMonthStart(now)), 60_000)).toBe(true);
    expect(await succeeded("reconcile", now.toISOString().slice(0, 10), 10_000)).toBe(true);

    await scheduler.tick();
    // Once per key: the tick found both done and ran neither again.
    expect(await db().jobRun.count({ where: { job: { in: ["month-close", "reconcile"] } } })).toBe(2);

    await scheduler.stop();
    scheduler = undefined;
  }, 90_000);
});

// Deployment metering: per GPU-minute charges with the usage-charge convention, exactly once per
// deployment and minute (re-runs and concurrent runs), and the stop at the spend limit.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { setSpendLimit } from "@/lib/billing/set-spend-limit";
import { runDeploymentMetering } from "@/lib/jobs/deployment-metering";
import { createDeployment } from "@/lib/resources/deployments/create-deployment";
import { stopDeployment, updateDeployment } from "@/lib/resources/deployments/update-deployment";
import { getDeployment } from "@/lib/resources/deployments/list-deployments";
import { readyAt } from "@/lib/resources/deployments/timing";
import { usd } from "@/lib/money";
import * as deploymentRoute from "@/app/api/v1/deployments/[id]/route";
import { T0, at, minutes } from "./helpers";

setupTestDatabase();
beforeAll(() => seedModelsFixture());

async function deploy(accountId: string, gpuType: "A100" | "H100", gpuCount: number, now = T0) {
  const res = await createDeployment(accountId, { model: "hr-small-8b", gpuType, gpuCount }, null, now);
  if (!res.ok) throw new Error(res.message);
  return res.deployment;
}

const entries = (deploymentId: string) => db().ledgerEntry.findMany({ where: { deploymentId }, orderBy: { idempotencyKey: "asc" } });

describe("deployment metering", () => {
  it("moves starting → running after the start-up and charges each whole minute from then, credits first", async () => {
    const acct = await createAccountFixture({ tier: "tier2", creditsMicros: 100_000n });
    const d = await deploy(acct.accountId, "A100", 2); // 81,600 µ$ a minute
    const ready = readyAt(T0);
    expect(d.readyAt).toBe(ready.toISOString());

    const early = await runDeploymentMetering({ at: at(ready, -1) });
    expect(early.promoted).toBe(0);
    expect((await db().deployment.findUniqueOrThrow({ where: { id: d.id } })).state).toBe("starting");

    const first = await runDeploymentMetering({ at: at(ready, minutes(2) + 30_000) });
    expect(first).toMatchObject({ promoted: 1, minutes: 2, chargedMicros: 163_200n });
    const rows = await entries(d.id);
    expect(rows.map((e) => e.idempotencyKey)).toEqual([
      `deployment:${d.id}:${ready.toISOString()}`,
      `deployment:${d.id}:${at(ready, minutes(1)).toISOString()}`,
    ]);
    // Minute 1: 81,600 all from credits; minute 2: the 18,400 left in credits, 63,200 to the invoice.
    expect(rows.map((e) => [e.kind, e.amountMicros, e.creditMicros, e.invoiceMicros])).toEqual([
      ["deployment_charge", -81_600n, 81_600n, 0n],
      ["deployment_charge", -18_400n, 18_400n, 63_200n],
    ]);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account).toMatchObject({ creditBalanceMicros: 0n, monthlySpendMicros: 163_200n, status: "active" });
    const view = await getDeployment(acct.accountId, d.id, at(ready, minutes(2) + 30_000));
    expect(view.ok && view.deployment).toMatchObject({
      state: "running",
      chargedUsd: "0.163200",
      meteredThrough: at(ready, minutes(2)).toISOString(),
    });
  });

  it("run twice, and concurrently, for the same minute charges once", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const a = await deploy(acct.accountId, "A100", 1);
    const h = await deploy(acct.accountId, "H100", 3);
    const when = at(readyAt(T0), minutes(5));
    await Promise.all([runDeploymentMetering({ at: when }), runDeploymentMetering({ at: when }), runDeploymentMetering({ at: when })]);
    const again = await runDeploymentMetering({ at: when });
    expect(again.minutes).toBe(0);
    expect(await entries(a.id)).toHaveLength(5);
    expect(await entries(h.id)).toHaveLength(5);
    const keys = (await db().ledgerEntry.findMany({ where: { accountId: acct.accountId, kind: "deployment_charge" } })).map(
      (e) => e.idempotencyKey,
    );
    expect(new Set(keys).size).toBe(10);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.monthlySpendMicros).toBe(5n * (40_800n + 3n * 66_700n));
  });

  it("a stop charges the whole minutes up to it, not the partial last one, and nothing after", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const d = await deploy(acct.accountId, "H100", 1);
    const ready = readyAt(T0);
    await runDeploymentMetering({ at: at(ready, minutes(1)) });
    const stopped = await stopDeployment(acct.accountId, d.id, null, at(ready, minutes(3) + 45_000));
    expect(stopped.ok && stopped.deployment).toMatchObject({ state: "stopped", stoppedAt: at(ready, minutes(3) + 45_000).toISOString() });
    await runDeploymentMetering({ at: at(ready, minutes(10)) });
    expect((await entries(d.id)).map((e) => e.invoiceMicros)).toEqual([66_700n, 66_700n, 66_700n]);
  });

  it("scaling charges the minutes so far at the old size", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const d = await deploy(acct.accountId, "A100", 1);
    const ready = readyAt(T0);
    const scaled = await updateDeployment(acct.accountId, d.id, { gpuCount: 4 }, null, at(ready, minutes(2) + 10_000));
    expect(scaled.ok).toBe(true);
    await runDeploymentMetering({ at: at(ready, minutes(4)) });
    expect((await entries(d.id)).map((e) => e.invoiceMicros)).toEqual([40_800n, 40_800n, 163_200n, 163_200n]);
  });

  it("a deployment running past the spend limit is stopped within one metering interval; every minute it ran is charged once", async () => {
    // Tier 1 with a $1.00 limit; 8 H100s cost $0.5336 a minute: the 2nd minute reaches the limit.
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1), creditsMicros: 500_000n });
    const other = await createAccountFixture({ tier: "tier2" });
    const d = await deploy(acct.accountId, "H100", 8);
    const bystander = await deploy(other.accountId, "A100", 1);
    const ready = readyAt(T0);

    // The scheduler runs each minute (a little after it).
    const run1 = await runDeploymentMetering({ at: at(ready, minutes(1) + 2_000) });
    expect(run1.suspended).toEqual([]);
    expect((await db().deployment.findUniqueOrThrow({ where: { id: d.id } })).state).toBe("running");
    const run2 = await runDeploymentMetering({ at: at(ready, minutes(2) + 2_000) });
    expect(run2.suspended).toEqual([acct.accountId]);

    const stopped = await db().deployment.findUniqueOrThrow({ where: { id: d.id } });
    expect(stopped.state).toBe("stopped");
    expect(stopped.stoppedAt?.toISOString()).toBe(at(ready, minutes(2)).toISOString()); // end of the crossing minute
    expect(stopped.stoppedReason).toContain("spend_limit_reached");
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.status).toBe("suspended");
    expect(account.monthlySpendMicros).toBe(2n * 533_600n); // past $1.00 by less than one minute
    expect(account.monthlySpendMicros - usd(1)).toBeLessThan(533_600n);

    // Later runs charge nothing more; the ledger holds exactly the two minutes it ran.
    await runDeploymentMetering({ at: at(ready, minutes(3) + 2_000) });
    await runDeploymentMetering({ at: at(ready, minutes(30)) });
    const rows = await entries(d.id);
    expect(rows.map((e) => [e.idempotencyKey, e.creditMicros, e.invoiceMicros])).toEqual([
      [`deployment:${d.id}:${ready.toISOString()}`, 500_000n, 33_600n],
      [`deployment:${d.id}:${at(ready, minutes(1)).toISOString()}`, 0n, 533_600n],
    ]);
    // The other account is untouched by this one's limit.
    expect((await db().deployment.findUniqueOrThrow({ where: { id: bystander.id } })).state).toBe("running");

    // While suspended the owner cannot restart it (402, reason as code) …
    const refused = await callRoute(deploymentRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { id: d.id },
      body: { action: "start" },
    });
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe("spend_limit_reached");
    // … lifting the suspension restarts nothing by itself …
    expect((await setSpendLimit(acct.accountId, usd(50), null, at(ready, minutes(31)))).ok).toBe(true);
    expect((await db().account.findUniqueOrThrow({ where: { id: acct.accountId } })).status).toBe("active");
    expect((await db().deployment.findUniqueOrThrow({ where: { id: d.id } })).state).toBe("stopped");
    // … the owner does.
    const restarted = await updateDeployment(acct.accountId, d.id, { action: "start" }, null, at(ready, minutes(32)));
    expect(restarted.ok && restarted.deployment).toMatchObject({ state: "starting", stoppedAt: null, meteredThrough: null });
    await runDeploymentMetering({ at: at(ready, minutes(35)) });
    expect(await entries(d.id)).toHaveLength(4); // two more minutes of the new run
  });

  it("a late metering run still stops at the crossing minute and charges nothing after it", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    const d1 = await deploy(acct.accountId, "H100", 4); // 266,800 a minute
    const d2 = await deploy(acct.accountId, "A100", 4); // 163,200 a minute → 430,000 together
    const ready = readyAt(T0);
    const run = await runDeploymentMetering({ at: at(ready, minutes(15)) });
    expect(run.suspended).toEqual([acct.accountId]);
    // 430,000 × 2 = 860,000 < 1,000,000 ≤ 430,000 × 3: both are charged for 3 minutes, stopped at minute 3's end.
    expect(await entries(d1.id)).toHaveLength(3);
    expect(await entries(d2.id)).toHaveLength(3);
    for (const id of [d1.id, d2.id]) {
      const row = await db().deployment.findUniqueOrThrow({ where: { id } });
      expect(row.stoppedAt?.toISOString()).toBe(at(ready, minutes(3)).toISOString());
    }
    expect((await db().account.findUniqueOrThrow({ where: { id: acct.accountId } })).monthlySpendMicros).toBe(1_290_000n);
  });

  it("a suspension from elsewhere (e.g. an operator) charges the whole minutes run so far, then stops", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const d = await deploy(acct.accountId, "A100", 1);
    const ready = readyAt(T0);
    const when = at(ready, minutes(4) + 20_000);
    const { syncSuspension } = await import("@/lib/billing/suspension");
    await db().$transaction(async (tx) => {
      await tx.suspensionReason.create({
        data: { accountId: acct.accountId, reason: "manual", detail: "test", activeKey: `${acct.accountId}:manual` },
      });
      await syncSuspension(tx, acct.accountId, when);
    });
    const row = await db().deployment.findUniqueOrThrow({ where: { id: d.id } });
    expect(row).toMatchObject({ state: "stopped", stoppedAt: when });
    expect(await entries(d.id)).toHaveLength(4);
  });
  it("a run across a month boundary files each minute in its own month; only the new month's count toward its spend", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const d = await deploy(acct.accountId, "A100", 1, new Date("2031-05-31T23:57:10Z")); // ready 23:58
    await runDeploymentMetering({ at: new Date("2031-06-01T00:03:05Z") });
    const rows = await entries(d.id);
    expect(rows.map((e) => [e.period.toISOString().slice(0, 7), e.invoiceMicros])).toEqual([
      ["2031-05", 40_800n],
      ["2031-05", 40_800n],
      ["2031-06", 40_800n],
      ["2031-06", 40_800n],
      ["2031-06", 40_800n],
    ]);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.spendPeriod.toISOString()).toBe("2031-06-01T00:00:00.000Z");
    expect(account.monthlySpendMicros).toBe(3n * 40_800n);
  });
});

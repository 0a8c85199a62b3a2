// Deployment metering: per GPU-minute charges with the usage-charge convention, exactly once per
// deployment and minute (re-runs and concurrent runs), and the spend limit: never charged past (what
// the gateway's leases hold counted as spent), deployments stopped before a minute that would not fit.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { sumLedger } from "@/lib/billing/ledger-effects";
import { postLedgerEntry } from "@/lib/billing/post-ledger-entry";
import { rollSpendPeriod } from "@/lib/billing/roll-spend-period";
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
// Every run meters every account: leave nothing running for the next test's runs (months later).
afterEach(() => db().deployment.updateMany({ where: { state: { not: "stopped" } }, data: { state: "stopped", stoppedAt: new Date(0) } }));

async function deploy(accountId: string, gpuType: "A100" | "H100", gpuCount: number, now = T0) {
  const res = await createDeployment(accountId, { model: "hr-small-8b", gpuType, gpuCount }, null, now);
  if (!res.ok) throw new Error(res.message);
  return res.deployment;
}

/** What a charge counts toward monthly spend (lib/billing/ledger-effects.ts). */
const spent = (e: { creditMicros: bigint; invoiceMicros: bigint }) => e.creditMicros + e.invoiceMicros;
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

  it("stops a deployment before a minute that would take spend past the limit, and tells the owner why", async () => {
    // Tier 1 with a $1.00 limit; 8 H100s cost $0.5336 a minute: a second minute would not fit.
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1), creditsMicros: 500_000n });
    const other = await createAccountFixture({ tier: "tier2" });
    const d = await deploy(acct.accountId, "H100", 8);
    const bystander = await deploy(other.accountId, "A100", 1);
    const ready = readyAt(T0);

    // The scheduler runs each minute (a little after it): minute 0 is charged, and with $0.4664 left
    // the minute now running could not be paid for, so the deployment stops now.
    const run1 = await runDeploymentMetering({ at: at(ready, minutes(1) + 2_000) });
    expect(run1.suspended).not.toContain(acct.accountId);
    expect(run1.stopped).toContain(acct.accountId);
    const stopped = await db().deployment.findUniqueOrThrow({ where: { id: d.id } });
    expect(stopped.state).toBe("stopped");
    expect(stopped.stoppedAt?.toISOString()).toBe(at(ready, minutes(1) + 2_000).toISOString()); // the partial minute is not charged
    expect(stopped.stoppedReason).toMatch(/spend limit/);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account).toMatchObject({ status: "active", monthlySpendMicros: 533_600n });
    const notice = await db().notification.findFirstOrThrow({ where: { accountId: acct.accountId, kind: "deployment_stopped" } });
    expect(notice.title).toMatch(/stopped/i);
    expect(notice.body).toContain(d.id);
    expect(notice.body).toContain("$0.4664"); // what the limit leaves this month
    expect(notice.body).toContain("$0.5336"); // what a minute of it costs

    // Later runs charge nothing more; the ledger holds exactly the minute it ran.
    await runDeploymentMetering({ at: at(ready, minutes(3) + 2_000) });
    expect((await entries(d.id)).map((e) => [e.idempotencyKey, e.creditMicros, e.invoiceMicros])).toEqual([
      [`deployment:${d.id}:${ready.toISOString()}`, 500_000n, 33_600n],
    ]);
    // The other account is untouched by this one's limit.
    expect((await db().deployment.findUniqueOrThrow({ where: { id: bystander.id } })).state).toBe("running");

    // Started again without room, it is stopped again at the first run after it is ready, before its
    // first minute is charged …
    const restarted = await updateDeployment(acct.accountId, d.id, { action: "start" }, null, at(ready, minutes(4)));
    expect(restarted.ok).toBe(true);
    await runDeploymentMetering({ at: at(ready, minutes(5) + 2_000) }); // ready at minute 5: nothing charged yet
    expect((await db().deployment.findUniqueOrThrow({ where: { id: d.id } })).state).toBe("stopped");
    expect(await entries(d.id)).toHaveLength(1);
    // … and with a higher limit it runs and is charged again.
    expect((await setSpendLimit(acct.accountId, usd(50), null, at(ready, minutes(7)))).ok).toBe(true);
    const again = await updateDeployment(acct.accountId, d.id, { action: "start" }, null, at(ready, minutes(7)));
    expect(again.ok && again.deployment).toMatchObject({ state: "starting", stoppedAt: null, meteredThrough: null });
    await runDeploymentMetering({ at: at(ready, minutes(10)) });
    expect(await entries(d.id)).toHaveLength(3); // two more minutes of the new run
    // Nothing left running for the later tests' runs to meter.
    await stopDeployment(acct.accountId, d.id, null, at(ready, minutes(10)));
    await stopDeployment(other.accountId, bystander.id, null, at(ready, minutes(10)));
  });

  it("a late metering run charges only what fits under the limit, records spend_limit_reached and stops at that minute", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    const d1 = await deploy(acct.accountId, "H100", 4); // 266,800 a minute
    const d2 = await deploy(acct.accountId, "A100", 4); // 163,200 a minute → 430,000 together
    const ready = readyAt(T0);
    const run = await runDeploymentMetering({ at: at(ready, minutes(15)) });
    expect(run.suspended).toContain(acct.accountId);
    // 430,000 × 2 = 860,000; the third minute has 140,000 left under the limit: that much is charged.
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account).toMatchObject({ monthlySpendMicros: usd(1), status: "suspended" });
    const rows = await db().ledgerEntry.findMany({ where: { accountId: acct.accountId, kind: "deployment_charge" } });
    expect(rows.reduce((sum, e) => sum + spent(e), 0n)).toBe(usd(1));
    const third = rows.filter((e) => e.idempotencyKey.endsWith(at(ready, minutes(2)).toISOString()));
    expect(third.map(spent)).toEqual([140_000n]);
    expect(third[0]!.description).toMatch(/spend limit/);
    expect(rows).toHaveLength(5);
    const reasons = await db().suspensionReason.findMany({ where: { accountId: acct.accountId, liftedAt: null } });
    expect(reasons.map((r) => r.reason)).toEqual(["spend_limit_reached"]);
    for (const id of [d1.id, d2.id]) {
      const row = await db().deployment.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ state: "stopped", stoppedAt: at(ready, minutes(3)) });
      expect(row.stoppedReason).toContain("spend_limit_reached");
    }
    // Nothing after it, however often the job runs.
    await runDeploymentMetering({ at: at(ready, minutes(30)) });
    expect((await db().account.findUniqueOrThrow({ where: { id: acct.accountId } })).monthlySpendMicros).toBe(usd(1));
    // While suspended the owner cannot restart them (402, the reason as code).
    const refused = await callRoute(deploymentRoute.PATCH, {
      method: "PATCH",
      apiKey: acct.apiKey,
      params: { id: d1.id },
      body: { action: "start" },
    });
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe("spend_limit_reached");
  });

  it("budget the gateway holds in spend leases is not charged to deployments", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    const d = await deploy(acct.accountId, "H100", 1); // 66,700 a minute
    const ready = readyAt(T0);
    // An instance of the gateway leased $0.60 of the budget for requests in flight.
    await db().spendLease.create({
      data: {
        id: `sl_test_${acct.accountId}`,
        accountId: acct.accountId,
        holder: "test",
        amountMicros: 600_000n,
        expiresAt: at(ready, minutes(60)),
      },
    });
    await runDeploymentMetering({ at: at(ready, minutes(10)) });
    // $0.40 is left: five whole minutes (333,500) and 66,500 of the sixth; then it stops. Spend has not
    // reached the limit (the leases may still be spent), so the account stays active.
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account).toMatchObject({ monthlySpendMicros: 400_000n, status: "active" });
    expect((await entries(d.id)).map(spent)).toEqual([66_700n, 66_700n, 66_700n, 66_700n, 66_700n, 66_500n]);
    const row = await db().deployment.findUniqueOrThrow({ where: { id: d.id } });
    expect(row).toMatchObject({ state: "stopped", stoppedAt: at(ready, minutes(6)) });
    expect(row.stoppedReason).toMatch(/spend limit/);
  });

  it("a suspension from elsewhere near the limit charges only what fits, and records spend_limit_reached too", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    const d = await deploy(acct.accountId, "H100", 4); // 266,800 a minute
    const ready = readyAt(T0);
    const when = at(ready, minutes(5) + 20_000); // five minutes run, none metered yet
    const { syncSuspension } = await import("@/lib/billing/suspension");
    await db().$transaction(async (tx) => {
      await tx.suspensionReason.create({
        data: { accountId: acct.accountId, reason: "manual", detail: "test", activeKey: `${acct.accountId}:manual` },
      });
      await syncSuspension(tx, acct.accountId, when);
    });
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.monthlySpendMicros).toBe(usd(1)); // not 5 × 266,800
    expect((await entries(d.id)).map(spent)).toEqual([266_800n, 266_800n, 266_800n, 199_600n]);
    const reasons = await db().suspensionReason.findMany({ where: { accountId: acct.accountId, liftedAt: null } });
    expect(reasons.map((r) => r.reason).sort()).toEqual(["manual", "spend_limit_reached"]);
    expect((await db().deployment.findUniqueOrThrow({ where: { id: d.id } })).state).toBe("stopped");
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

  it("a minute of last month metered after the month turned is capped against last month's spend, not charged to the new one", async () => {
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    // $0.80 of May spent on inference; a deployment of 4 × H100 (266,800 a minute) ready at 23:58 on 31 May.
    const may = new Date("2031-05-20T10:00:00Z");
    await db().$transaction(async (tx) => {
      await rollSpendPeriod(tx, acct.accountId, may);
      await postLedgerEntry(tx, {
        accountId: acct.accountId,
        kind: "usage_charge",
        amountMicros: 0n,
        invoiceMicros: 800_000n,
        spendMicros: 800_000n,
        idempotencyKey: `may-usage:${acct.accountId}`,
        description: "inference in May",
        modelName: "hr-small-8b",
        at: may,
      });
    });
    const d = await deploy(acct.accountId, "H100", 4, new Date("2031-05-31T23:57:10Z"));
    // The first run after it is ready comes late, in June: May's minutes 23:58 and 23:59, June's 00:00–00:02.
    const run = await runDeploymentMetering({ at: new Date("2031-06-01T00:03:05Z") });
    expect(run.failed).toEqual([]);
    // May had $0.20 left: minute 23:58 is charged that much, filed in May, and the deployment stops at its end.
    expect((await entries(d.id)).map((e) => [e.idempotencyKey, e.period.toISOString().slice(0, 7), spent(e)])).toEqual([
      [`deployment:${d.id}:2031-05-31T23:58:00.000Z`, "2031-05", 200_000n],
    ]);
    const ledger = await db().ledgerEntry.findMany({
      where: { accountId: acct.accountId },
      select: { kind: true, amountMicros: true, creditMicros: true, invoiceMicros: true, period: true },
    });
    expect(sumLedger(ledger, new Date("2031-05-01T00:00:00Z")).spend, "May's spend stops at May's limit").toBe(usd(1));
    // June's budget is untouched, and a new month is no reason to suspend.
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account).toMatchObject({ spendPeriod: new Date("2031-06-01T00:00:00Z"), monthlySpendMicros: 0n, status: "active" });
    const row = await db().deployment.findUniqueOrThrow({ where: { id: d.id } });
    expect(row).toMatchObject({ state: "stopped", stoppedAt: new Date("2031-05-31T23:59:00Z") });
    expect(row.stoppedReason).toContain("in 2031-05");
    const notice = await db().notification.findFirstOrThrow({ where: { accountId: acct.accountId, kind: "deployment_stopped" } });
    expect(notice.body).toContain("$0.20 in 2031-05");
    // Nothing more, however often the job runs.
    await runDeploymentMetering({ at: new Date("2031-06-01T00:10:05Z") });
    expect(await entries(d.id)).toHaveLength(1);
  });
});

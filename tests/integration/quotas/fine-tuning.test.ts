// Fine-tuning jobs: simulated progress, per-step charges exactly once, the LoRA they produce, the
// deployed-models slot they hold, cancel/resume, and the pause at the spend limit (never past it).
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { addMemberFixture, createAccountFixture, createModelFixture, seedModelsFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { closeMonth } from "@/lib/billing/close-month";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { setSpendLimit } from "@/lib/billing/set-spend-limit";
import { syncSuspension } from "@/lib/billing/suspension";
import { advanceFineTuning } from "@/lib/jobs/fine-tuning";
import { createFineTuningJob } from "@/lib/resources/fine-tuning/create-fine-tuning-job";
import { cancelFineTuningJob } from "@/lib/resources/fine-tuning/cancel-fine-tuning-job";
import { resumeFineTuningJob } from "@/lib/resources/fine-tuning/resume-fine-tuning-job";
import { getFineTuningJob } from "@/lib/resources/fine-tuning/list-fine-tuning-jobs";
import { countQuotaUsage } from "@/lib/quotas/usage";
import { usd } from "@/lib/money";
import * as jobsRoute from "@/app/api/v1/fine-tuning-jobs/route";
import * as jobRoute from "@/app/api/v1/fine-tuning-jobs/[id]/route";
import * as cancelRoute from "@/app/api/v1/fine-tuning-jobs/[id]/cancel/route";
import * as resumeRoute from "@/app/api/v1/fine-tuning-jobs/[id]/resume/route";
import { T0, at } from "./helpers";

setupTestDatabase();
beforeAll(() => seedModelsFixture());

async function startJob(accountId: string, datasetTokens: number, epochs = 1, baseModel = "hr-small-8b", now = T0) {
  const res = await createFineTuningJob(accountId, { baseModel, datasetTokens, epochs }, null, now);
  if (!res.ok) throw new Error(res.message);
  return res.job;
}

const charges = (fineTuningJobId: string) => db().ledgerEntry.findMany({ where: { fineTuningJobId }, orderBy: { createdAt: "asc" } });
const sumCost = (rows: { creditMicros: bigint; invoiceMicros: bigint }[]) =>
  rows.reduce((s, r) => s + r.creditMicros + r.invoiceMicros, 0n);
const job = async (accountId: string, id: string) => {
  const res = await getFineTuningJob(accountId, id);
  if (!res.ok) throw new Error(res.message);
  return res.job;
};

// 20,000 training tokens a second after a 10 s queue wait.
const pickedUp = at(T0, 10_000);

describe("fine-tuning jobs", () => {
  it("queued → running → completed, charged per 1 % step to exactly the job's price, producing a LoRA", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const created = await startJob(acct.accountId, 1_000_000, 3); // 3M training tokens = $1.50
    expect(created).toMatchObject({ state: "queued", totalTokens: 3_000_000, estimatedCostUsd: "1.50", chargedUsd: "0.00" });
    expect((await countQuotaUsage(db(), acct.accountId))["deployed-models"]).toBe(1);

    await advanceFineTuning({ at: at(T0, 5_000) });
    expect((await job(acct.accountId, created.id)).state).toBe("queued");

    await advanceFineTuning({ at: at(pickedUp, 10_000) }); // 200,000 tokens = 6 whole 30,000-token steps
    expect(await job(acct.accountId, created.id)).toMatchObject({
      state: "running",
      trainedTokens: 200_000,
      progressPct: 6,
      chargedUsd: "0.09",
    });
    expect((await charges(created.id)).map((e) => e.idempotencyKey)).toEqual(
      [1, 2, 3, 4, 5, 6].map((k) => `fine-tuning:${created.id}:step:${k}`),
    );

    await advanceFineTuning({ at: at(pickedUp, 600_000) });
    const done = await job(acct.accountId, created.id);
    expect(done).toMatchObject({
      state: "completed",
      trainedTokens: 3_000_000,
      progressPct: 100,
      chargedUsd: "1.50",
      outputModel: `ft-${created.id}`,
    });
    expect(done.finishedAt).toBe(at(pickedUp, 150_000).toISOString());
    const rows = await charges(created.id);
    expect(rows).toHaveLength(100);
    expect(sumCost(rows)).toBe(1_500_000n);
    expect(rows.every((e) => e.kind === "fine_tuning_charge")).toBe(true);
    expect((await db().account.findUniqueOrThrow({ where: { id: acct.accountId } })).monthlySpendMicros).toBe(1_500_000n);
    const lora = await db().customModel.findFirstOrThrow({ where: { accountId: acct.accountId, name: `ft-${created.id}` } });
    expect(lora).toMatchObject({ kind: "lora", baseModel: "hr-small-8b" });
    expect((await countQuotaUsage(db(), acct.accountId))["deployed-models"]).toBe(1); // the slot became the LoRA
  });

  it("a very small job records every step, those that cost nothing too: its recorded tokens are its trained tokens", async () => {
    // 7 training tokens in 1-token steps; the job costs ceil(tokens × $0.50/M): 1, 1, 2, 2, 3, 3, 4 µ$ —
    // steps 2, 4 and 6 add nothing.
    const acct = await createAccountFixture({ tier: "tier2" });
    const created = await startJob(acct.accountId, 7);
    await advanceFineTuning({ at: at(pickedUp, 1_000) });
    const done = await job(acct.accountId, created.id);
    expect(done).toMatchObject({ state: "completed", trainedTokens: 7, chargedUsd: "0.000004" });
    const rows = (await charges(created.id)).sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey));
    expect(rows.map((e) => [e.idempotencyKey, e.quantity, e.creditMicros + e.invoiceMicros])).toEqual(
      [1n, 0n, 1n, 0n, 1n, 0n, 1n].map((cost, i) => [`fine-tuning:${created.id}:step:${i + 1}`, 1n, cost]),
    );
    // What the ledger recorded is what was trained, token for token; the money is the job's price.
    expect(rows.reduce((s, e) => s + (e.quantity ?? 0n), 0n)).toBe(BigInt(done.trainedTokens));
    expect(sumCost(rows)).toBe(4n);
    expect(await db().account.findUniqueOrThrow({ where: { id: acct.accountId } })).toMatchObject({ monthlySpendMicros: 4n });

    // Its invoice line bills every trained token, the free steps' ones too.
    const closed = await closeMonth({ period: "2031-03", accountId: acct.accountId, now: new Date("2031-04-01T00:30:00Z") });
    if (!closed.ok) throw new Error(closed.message);
    const lines = await db().invoiceLine.findMany({ where: { invoiceId: closed.invoiced[0]!.invoiceId } });
    expect(lines.map((l) => [l.subject, l.quantity, l.unit, l.amountMicros])).toEqual([
      [`fine_tuning:${created.id}`, 7n, "training tokens", 4n],
    ]);
    expect(await db().ledgerEntry.count({ where: { fineTuningJobId: created.id, invoiceId: null } })).toBe(0);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("advancing twice, and concurrently, to the same instant charges each step once", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const a = await startJob(acct.accountId, 2_000_000);
    const b = await startJob(acct.accountId, 500_000, 2);
    const when = at(pickedUp, 30_000); // 600,000 tokens each
    await Promise.all([advanceFineTuning({ at: when }), advanceFineTuning({ at: when }), advanceFineTuning({ at: when })]);
    await advanceFineTuning({ at: when });
    expect(await charges(a.id)).toHaveLength(30); // 20,000-token steps
    expect(await charges(b.id)).toHaveLength(60); // 10,000-token steps
    expect(sumCost([...(await charges(a.id)), ...(await charges(b.id))])).toBe(600_000n); // 1.2M tokens at $0.50/M
  });

  it("reaching the spend limit pauses the job at that step; the owner resumes it after lifting the suspension", async () => {
    // $1.00 limit, a $5.00 job in 100,000-token ($0.05) steps: the 20th step reaches the limit.
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: usd(1) });
    const j = await startJob(acct.accountId, 10_000_000);
    const advanced = await advanceFineTuning({ at: at(pickedUp, 3_600_000) });
    expect(advanced.suspended).toContain(acct.accountId);
    const paused = await job(acct.accountId, j.id);
    expect(paused).toMatchObject({ state: "paused", trainedTokens: 2_000_000, chargedUsd: "1.00" });
    expect(paused.reason).toContain("spend_limit_reached");
    expect(await charges(j.id)).toHaveLength(20);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account).toMatchObject({ status: "suspended", monthlySpendMicros: usd(1) });

    await advanceFineTuning({ at: at(pickedUp, 7_200_000) });
    expect(await charges(j.id)).toHaveLength(20);

    const refused = await callRoute(resumeRoute.POST, { method: "POST", apiKey: acct.apiKey, params: { id: j.id } });
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe("spend_limit_reached");

    const lift = at(pickedUp, 7_300_000);
    expect((await setSpendLimit(acct.accountId, usd(50), null, lift)).ok).toBe(true);
    expect((await job(acct.accountId, j.id)).state).toBe("paused"); // nothing restarts by itself
    const resumed = await resumeFineTuningJob(acct.accountId, j.id, null, lift);
    expect(resumed.ok && resumed.job).toMatchObject({ state: "running", trainedTokens: 2_000_000 });
    await advanceFineTuning({ at: at(lift, 400_000) }); // 8M more tokens take 400 s
    const done = await job(acct.accountId, j.id);
    expect(done).toMatchObject({ state: "completed", chargedUsd: "5.00" });
    expect(sumCost(await charges(j.id))).toBe(usd(5));
    expect(await charges(j.id)).toHaveLength(100);
  });

  it("a step the spend limit cannot pay for is not run: the job pauses before it, the owner is told, other jobs go on", async () => {
    // $0.98 limit. A $5.00 job in 100,000-token ($0.05) steps, and a small $0.025 job (500-token steps).
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: 980_000n });
    const big = await startJob(acct.accountId, 10_000_000);
    const small = await startJob(acct.accountId, 50_000);
    const advanced = await advanceFineTuning({ at: at(pickedUp, 3_600_000) });
    // The small job is done in 2.5 s ($0.025); the big one's 19 steps bring spend to $0.975, and its
    // 20th ($0.05) does not fit in the $0.005 left: it is not run.
    expect(advanced).toMatchObject({ paused: 1, suspended: [] });
    expect(await job(acct.accountId, small.id)).toMatchObject({ state: "completed", chargedUsd: "0.025000" });
    const paused = await job(acct.accountId, big.id);
    expect(paused).toMatchObject({ state: "paused", trainedTokens: 1_900_000, chargedUsd: "0.95" });
    expect(paused.reason).toBe("spend limit: $0.005 left this month, less than the next training step ($0.05)");
    expect(await charges(big.id)).toHaveLength(19);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account).toMatchObject({ status: "active", monthlySpendMicros: 975_000n });
    const notices = await db().notification.findMany({ where: { accountId: acct.accountId, kind: "fine_tuning_paused" } });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toContain(big.id);
    expect(notices[0]!.body).toContain("$0.005"); // what the limit leaves
    expect(notices[0]!.body).toContain("$0.05"); // what the step costs

    // Nothing more happens by itself; with a higher limit the owner resumes it from where it stopped.
    await advanceFineTuning({ at: at(pickedUp, 7_200_000) });
    expect(await charges(big.id)).toHaveLength(19);
    const lift = at(pickedUp, 7_300_000);
    expect((await setSpendLimit(acct.accountId, usd(50), null, lift)).ok).toBe(true);
    const resumed = await resumeFineTuningJob(acct.accountId, big.id, null, lift);
    expect(resumed.ok && resumed.job).toMatchObject({ state: "running", trainedTokens: 1_900_000 });
    await advanceFineTuning({ at: at(lift, 500_000) });
    expect(await job(acct.accountId, big.id)).toMatchObject({ state: "completed", chargedUsd: "5.00" });
    expect(sumCost(await charges(big.id))).toBe(usd(5));
    expect(await charges(big.id)).toHaveLength(100);
  });

  it("a suspension from elsewhere charges the steps reached so far and pauses running and queued jobs", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const running = await startJob(acct.accountId, 1_000_000);
    await advanceFineTuning({ at: at(pickedUp, 1_000) });
    const queued = await startJob(acct.accountId, 1_000_000, 1, "hr-small-8b", at(pickedUp, 2_000));
    const when = at(pickedUp, 10_000); // the running job has 200,000 tokens = 20 steps
    await db().$transaction(async (tx) => {
      await tx.suspensionReason.create({
        data: { accountId: acct.accountId, reason: "manual", detail: "test", activeKey: `${acct.accountId}:manual` },
      });
      await syncSuspension(tx, acct.accountId, when);
    });
    expect(await job(acct.accountId, running.id)).toMatchObject({ state: "paused", trainedTokens: 200_000, chargedUsd: "0.10" });
    expect(await job(acct.accountId, queued.id)).toMatchObject({ state: "paused", trainedTokens: 0 });
  });

  it("cancel charges the training so far, frees the deployed-models slot, and cannot be repeated", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const j = await startJob(acct.accountId, 1_000_000);
    await advanceFineTuning({ at: at(pickedUp, 1_000) });
    const cancelled = await cancelFineTuningJob(acct.accountId, j.id, null, at(pickedUp, 25_000)); // 500,000 tokens
    expect(cancelled.ok && cancelled.job).toMatchObject({ state: "cancelled", trainedTokens: 500_000, chargedUsd: "0.25" });
    expect((await countQuotaUsage(db(), acct.accountId))["deployed-models"]).toBe(0);
    const again = await callRoute(cancelRoute.POST, { method: "POST", apiKey: acct.apiKey, params: { id: j.id } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("already cancelled");
    await advanceFineTuning({ at: at(pickedUp, 600_000) });
    expect(await charges(j.id)).toHaveLength(50);
  });

  it("cancelling a job the spend limit stopped charges the steps that fit and tells no pause", async () => {
    // $0.98 limit: 19 of the job's $0.05 steps fit, the 20th does not — reached by the time of the cancel.
    const acct = await createAccountFixture({ tier: "tier1", spendLimitMicros: 980_000n });
    const big = await startJob(acct.accountId, 10_000_000);
    const cancelled = await cancelFineTuningJob(acct.accountId, big.id, null, at(pickedUp, 3_600_000));
    expect(cancelled.ok && cancelled.job).toMatchObject({ state: "cancelled", trainedTokens: 1_900_000, chargedUsd: "0.95" });
    expect(await charges(big.id)).toHaveLength(19);
    expect(await db().notification.count({ where: { accountId: acct.accountId, kind: "fine_tuning_paused" } })).toBe(0);
  });

  it("a job whose base model leaves the catalogue fails, keeping what it was charged", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const model = await createModelFixture();
    const j = await startJob(acct.accountId, 1_000_000, 1, model.name);
    await advanceFineTuning({ at: at(pickedUp, 5_000) });
    await db().model.update({ where: { id: model.id }, data: { active: false } });
    await advanceFineTuning({ at: at(pickedUp, 10_000) });
    const failed = await job(acct.accountId, j.id);
    expect(failed).toMatchObject({ state: "failed", trainedTokens: 200_000, chargedUsd: "0.10" });
    expect(failed.reason).toContain(model.name);
  });

  it("through the routes: owner creates (400 naming bad fields), members read but cannot write, other accounts get 404", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const member = await addMemberFixture(acct.accountId);
    const other = await createAccountFixture({ tier: "tier2" });
    const created = await callRoute(jobsRoute.POST, {
      method: "POST",
      apiKey: acct.apiKey,
      body: { baseModel: "hr-medium-70b", datasetTokens: 250_000, epochs: 2 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: "queued", totalTokens: 500_000, estimatedCostUsd: "0.25" });
    const bad = await callRoute(jobsRoute.POST, {
      method: "POST",
      apiKey: acct.apiKey,
      body: { baseModel: "hr-small-8b", datasetTokens: 10, epochs: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe("epochs");
    const unknown = await callRoute(jobsRoute.POST, {
      method: "POST",
      apiKey: acct.apiKey,
      body: { baseModel: "nope", datasetTokens: 10, epochs: 1 },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.param).toBe("baseModel");

    expect(
      (
        await callRoute(jobsRoute.POST, {
          method: "POST",
          apiKey: member.apiKey,
          body: { baseModel: "hr-small-8b", datasetTokens: 10, epochs: 1 },
        })
      ).status,
    ).toBe(403);
    expect((await callRoute(cancelRoute.POST, { method: "POST", apiKey: member.apiKey, params: { id: created.body.id } })).status).toBe(
      403,
    );
    const list = await callRoute(jobsRoute.GET, { apiKey: member.apiKey });
    expect(list.body.fineTuningJobs.map((j: { id: string }) => j.id)).toEqual([created.body.id]);

    expect((await callRoute(jobRoute.GET, { apiKey: other.apiKey, params: { id: created.body.id } })).status).toBe(404);
    expect((await callRoute(cancelRoute.POST, { method: "POST", apiKey: other.apiKey, params: { id: created.body.id } })).status).toBe(404);
    expect((await callRoute(resumeRoute.POST, { method: "POST", apiKey: acct.apiKey, params: { id: created.body.id } })).status).toBe(409);
  });
});

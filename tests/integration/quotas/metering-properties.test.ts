// Property test of deployment and fine-tuning metering against the real database (SPEC §3, §5, §7,
// §8): whatever the deployments' sizes, when they start, scale and stop, whatever fine-tuning jobs run
// beside them (tiny ones whose steps can cost nothing, large ones), when they are resumed, and when
// the metering and fine-tuning jobs run, monthly spend never passes the spend limit — nor, while the
// gateway holds spend leases, the limit less those leases — an account without a card never owes
// more than its credits, every deployment-minute and training step is charged at most once (a
// repeated run adds nothing), after each metering run no deployment keeps running into a minute its
// account could not pay for, and every job's recorded training tokens are the tokens it was charged
// for — trained no further when the limit paused it.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture } from "../../helpers/fixtures";
import { db } from "@/lib/db";
import type { Tier } from "@/lib/db/generated/enums";
import { sumLedger } from "@/lib/billing/ledger-effects";
import { effectiveSpendLimit } from "@/lib/billing/tiers";
import { runDeploymentMetering } from "@/lib/jobs/deployment-metering";
import { createDeployment } from "@/lib/resources/deployments/create-deployment";
import { stopDeployment, updateDeployment } from "@/lib/resources/deployments/update-deployment";
import { deploymentMinuteCost } from "@/lib/resources/pricing";
import { advanceFineTuning } from "@/lib/jobs/fine-tuning";
import { createFineTuningJob } from "@/lib/resources/fine-tuning/create-fine-tuning-job";
import { resumeFineTuningJob } from "@/lib/resources/fine-tuning/resume-fine-tuning-job";
import { T0, at, minutes } from "./helpers";

setupTestDatabase();
beforeAll(() => seedModelsFixture());

const RUNS = Number(process.env.METERING_PROPERTY_RUNS ?? 25);

type Gpu = "A100" | "H100";
type Op =
  | { t: "meter"; gapMs: number }
  | { t: "scale"; pick: number; gpuCount: number; gapMs: number }
  | { t: "stop"; pick: number; gapMs: number }
  | { t: "start"; pick: number; gapMs: number }
  | { t: "advance"; gapMs: number }
  | { t: "resume"; pick: number; gapMs: number };

interface Scenario {
  tier: Tier;
  card: boolean;
  /** The owner's limit in cents (null: the tier's cap). */
  limitCents: number | null;
  creditsMicros: bigint;
  /** Part of the budget an instance of the gateway holds in a lease (per mille of the room). */
  leasePermille: number;
  deployments: { gpuType: Gpu; gpuCount: number; startMs: number }[];
  jobs: { datasetTokens: number; epochs: number; startMs: number }[];
  ops: Op[];
}

const gap = fc.oneof(fc.integer({ min: 1_000, max: minutes(3) }), fc.integer({ min: minutes(3), max: minutes(20) }));
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("meter" as const), gapMs: gap }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("scale" as const), pick: fc.nat(), gpuCount: fc.integer({ min: 1, max: 4 }), gapMs: gap }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("stop" as const), pick: fc.nat(), gapMs: gap }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("start" as const), pick: fc.nat(), gapMs: gap }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("advance" as const), gapMs: gap }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("resume" as const), pick: fc.nat(), gapMs: gap }) },
);

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    tier: fc.constantFrom<Tier>("tier0", "tier1", "tier2", "unlimited"),
    card: fc.boolean(),
    limitCents: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
    creditsMicros: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 3_000_000n })),
    leasePermille: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })),
    deployments: fc.array(
      fc.record({
        gpuType: fc.constantFrom<Gpu>("A100", "H100"),
        gpuCount: fc.integer({ min: 1, max: 4 }),
        startMs: fc.integer({ min: 0, max: minutes(2) }),
      }),
      { minLength: 0, maxLength: 3 },
    ),
    jobs: fc.array(
      fc.record({
        // Tiny jobs (steps of a token, some costing nothing) and ones of up to $6 in steps of up to $0.06.
        datasetTokens: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 100_000, max: 4_000_000 })),
        epochs: fc.integer({ min: 1, max: 3 }),
        startMs: fc.integer({ min: 0, max: minutes(2) }),
      }),
      { maxLength: 2 },
    ),
    ops: fc.array(op, { minLength: 1, maxLength: 12 }),
  })
  .map((s) => ({ ...s, card: s.tier === "tier0" ? false : s.card }));

interface Facts {
  monthly: bigint;
  credits: bigint;
  limit: bigint | null;
}

async function facts(accountId: string, tier: Tier, card: boolean): Promise<Facts> {
  const a = await db().account.findUniqueOrThrow({
    where: { id: accountId },
    select: { tier: true, spendLimitMicros: true, creditBalanceMicros: true, monthlySpendMicros: true },
  });
  expect(a.tier).toBe(tier);
  let limit = effectiveSpendLimit(a.tier, a.spendLimitMicros, a.creditBalanceMicros, a.monthlySpendMicros);
  // Without a card nothing can be invoiced: usage stays within the credits.
  const creditsCap = a.monthlySpendMicros + (a.creditBalanceMicros > 0n ? a.creditBalanceMicros : 0n);
  if (!card && (limit === null || creditsCap < limit)) limit = creditsCap;
  return { monthly: a.monthlySpendMicros, credits: a.creditBalanceMicros, limit };
}

async function check(s: Scenario, accountId: string, lease: { amount: bigint; until: Date } | null, now: Date, afterMeter: boolean) {
  const f = await facts(accountId, s.tier, s.card);
  const leased = lease && lease.until > now ? lease.amount : 0n;
  if (f.limit !== null) {
    expect(f.monthly, "monthly spend ≤ the limit").toBeLessThanOrEqual(f.limit);
    expect(f.monthly + leased, "monthly spend + live leases ≤ the limit").toBeLessThanOrEqual(f.limit);
  }
  if (!s.card) expect(f.credits, "no card: never owes more than its credits").toBeGreaterThanOrEqual(0n);
  // The counter is the ledger's.
  const entries = await db().ledgerEntry.findMany({
    where: { accountId },
    select: { kind: true, amountMicros: true, creditMicros: true, invoiceMicros: true, period: true },
  });
  expect(sumLedger(entries, new Date("2031-03-01T00:00:00Z")).spend).toBe(f.monthly);
  // Every job's ledger holds exactly the tokens it was charged for, steps costing nothing included,
  // and a job the spend limit paused trained no further than that.
  const jobs = await db().fineTuningJob.findMany({
    where: { accountId },
    select: { id: true, state: true, trainedTokens: true, chargedTokens: true, pausedReason: true },
  });
  for (const job of jobs) {
    const recorded = await db().ledgerEntry.aggregate({ where: { fineTuningJobId: job.id }, _sum: { quantity: true } });
    expect(recorded._sum.quantity ?? 0n, "a job's recorded tokens are its charged tokens").toBe(job.chargedTokens);
    expect(job.trainedTokens).toBeGreaterThanOrEqual(job.chargedTokens);
    if (job.state === "paused" && job.pausedReason?.startsWith("spend limit")) expect(job.trainedTokens).toBe(job.chargedTokens);
  }
  if (afterMeter && f.limit !== null) {
    // Nothing keeps running into a minute the account could not pay for.
    const running = await db().deployment.findMany({ where: { accountId, state: "running" }, select: { gpuType: true, gpuCount: true } });
    const next = running.reduce((sum, d) => sum + deploymentMinuteCost(d.gpuType, d.gpuCount), 0n);
    expect(next, "the next minute of the running deployments fits").toBeLessThanOrEqual(f.limit - f.monthly - leased);
  }
}

async function play(s: Scenario): Promise<void> {
  const acct = await createAccountFixture({
    tier: s.tier,
    paymentMethod: s.card,
    creditsMicros: s.creditsMicros,
    spendLimitMicros: s.limitCents === null ? null : BigInt(s.limitCents) * 10_000n,
  });
  const { accountId } = acct;
  let lease: { amount: bigint; until: Date } | null = null;
  const start = await facts(accountId, s.tier, s.card);
  if (s.leasePermille > 0 && start.limit !== null && start.limit > 0n) {
    lease = { amount: (start.limit * BigInt(s.leasePermille)) / 1000n, until: at(T0, minutes(40)) };
    await db().spendLease.create({
      data: { id: `sl_prop_${accountId}`, accountId, holder: "property", amountMicros: lease.amount, expiresAt: lease.until },
    });
  }
  const ids: string[] = [];
  for (const d of s.deployments) {
    const created = await createDeployment(
      accountId,
      { model: "hr-small-8b", gpuType: d.gpuType, gpuCount: d.gpuCount },
      null,
      at(T0, d.startMs),
    );
    if (created.ok) ids.push(created.deployment.id);
  }
  const jobIds: string[] = [];
  for (const j of s.jobs) {
    const created = await createFineTuningJob(
      accountId,
      { baseModel: "hr-small-8b", datasetTokens: j.datasetTokens, epochs: j.epochs },
      null,
      at(T0, j.startMs),
    );
    if (created.ok) jobIds.push(created.job.id);
  }
  let now = at(T0, minutes(2));
  try {
    for (const o of s.ops) {
      now = at(now, o.gapMs);
      const id = ids.length ? ids[("pick" in o ? o.pick : 0) % ids.length]! : null;
      if (o.t === "meter") {
        await runDeploymentMetering({ at: now });
        const before = await facts(accountId, s.tier, s.card);
        const again = await runDeploymentMetering({ at: now });
        expect((await facts(accountId, s.tier, s.card)).monthly, "a repeated run charges nothing").toBe(before.monthly);
        expect(again.failed).toEqual([]);
      } else if (o.t === "scale" && id) await updateDeployment(accountId, id, { gpuCount: o.gpuCount }, null, now);
      else if (o.t === "stop" && id) await stopDeployment(accountId, id, null, now);
      else if (o.t === "start" && id) await updateDeployment(accountId, id, { action: "start" }, null, now);
      else if (o.t === "advance") {
        await advanceFineTuning({ at: now });
        const before = await facts(accountId, s.tier, s.card);
        const again = await advanceFineTuning({ at: now });
        expect((await facts(accountId, s.tier, s.card)).monthly, "a repeated run charges nothing").toBe(before.monthly);
        expect(again.errors).toEqual([]);
      } else if (o.t === "resume" && jobIds.length) await resumeFineTuningJob(accountId, jobIds[o.pick % jobIds.length]!, null, now);
      await check(s, accountId, lease, now, o.t === "meter");
    }
    // Each deployment-minute at most once.
    const keys = await db().ledgerEntry.findMany({ where: { accountId, kind: "deployment_charge" }, select: { idempotencyKey: true } });
    expect(new Set(keys.map((k) => k.idempotencyKey)).size).toBe(keys.length);
  } finally {
    // Leave nothing running for the next case's runs (they meter and advance every account).
    await db().deployment.updateMany({ where: { accountId, state: { not: "stopped" } }, data: { state: "stopped", stoppedAt: now } });
    await db().fineTuningJob.updateMany({
      where: { accountId, state: { in: ["queued", "running"] } },
      data: { state: "cancelled", finishedAt: now },
    });
  }
}

describe("deployment and fine-tuning metering, whatever the sizes, the jobs and the metering times", () => {
  it("never takes monthly spend past the limit, charges each minute and step once, and stops what could not be paid", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (s) => play(s)),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});

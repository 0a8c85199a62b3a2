// Move an account's fine-tuning jobs forward to `through` and charge the training they did (SPEC §8).
// The caller holds the account row lock (the fine-tuning job, cancel, or syncSuspension's halt);
// the per-step idempotency key ("fine-tuning:<job>:step:<k>") makes a repeated run a no-op anyway.
//
// queued → running once the simulated queue wait is over; running → completed when every training
// token is done (its output becomes a LoRA custom model, taking over the deployed-models slot the
// job held); running → failed when its base model has left the catalogue.
//
// Every step is recorded in the ledger with its training tokens, one that costs nothing too: a job
// is priced as a whole (trainingCostThrough: the ceiling of its tokens' price), so a step of a token
// or two can add 0 µ$ — its tokens were paid by the rounding up before it. Recorded at 0, the job's
// ledger quantities add up to its trained tokens, and its invoice line bills them all.
//
// At the spend limit: steps of all the account's jobs are charged in the order they were reached.
// When, after a step, a suspension reason holds, the run stops there and syncSuspension suspends the
// account as of that step's instant, which pauses every job there (halt-resources). The ledger then
// holds every step up to and including the one that reached the limit (overshoot: one step) and
// the job's trainedTokens is its progress at that instant.
import type { Prisma } from "../../db/generated/client";
import { syncSuspension } from "../../billing/suspension";
import { loadChargeState, mustSuspend, postResourceCharge } from "../charge";
import { trainingCostThrough } from "../pricing";
import { outputModelName } from "./view";
import { QUEUE_MS, progressAt, stepsIn, timeReaching, tokensThroughStep, totalTokens } from "./progress";

type Tx = Prisma.TransactionClient;

export interface AdvanceAccountResult {
  steps: number;
  chargedMicros: bigint;
  started: number;
  completed: number;
  failed: number;
  suspendedAt: Date | null;
}

interface LiveJob {
  id: string;
  baseModel: string;
  total: bigint;
  startedAt: Date;
  trainedTokens: bigint;
  chargedTokens: bigint;
  justStarted: boolean;
}

export async function advanceAccountJobs(
  tx: Tx,
  accountId: string,
  through: Date,
  opts: { enforceLimit: boolean },
): Promise<AdvanceAccountResult> {
  const result: AdvanceAccountResult = { steps: 0, chargedMicros: 0n, started: 0, completed: 0, failed: 0, suspendedAt: null };
  const rows = await tx.fineTuningJob.findMany({
    where: { accountId, state: { in: ["queued", "running"] } },
    select: {
      id: true,
      state: true,
      baseModel: true,
      datasetTokens: true,
      epochs: true,
      trainedTokens: true,
      chargedTokens: true,
      startedAt: true,
      createdAt: true,
    },
    orderBy: { id: "asc" },
  });
  const jobs: LiveJob[] = [];
  for (const row of rows) {
    const pickedUp = new Date(row.createdAt.getTime() + QUEUE_MS);
    if (row.state === "queued" && pickedUp > through) continue;
    const startedAt = row.state === "queued" || !row.startedAt ? pickedUp : row.startedAt;
    jobs.push({
      id: row.id,
      baseModel: row.baseModel,
      total: totalTokens(row.datasetTokens, row.epochs),
      startedAt,
      trainedTokens: row.trainedTokens,
      chargedTokens: row.chargedTokens,
      justStarted: row.state === "queued",
    });
  }
  if (jobs.length === 0) return result;

  // Every step reached by `through` and not yet charged, in the order they were reached.
  const steps: { at: Date; job: LiveJob; k: number }[] = [];
  for (const job of jobs) {
    const reached = stepsIn(job.total, progressAt({ ...job }, through));
    for (let k = stepsIn(job.total, job.chargedTokens) + 1; k <= reached; k++) {
      steps.push({ at: timeReaching(job.startedAt, tokensThroughStep(job.total, k)), job, k });
    }
  }
  steps.sort((a, b) => a.at.getTime() - b.at.getTime() || a.job.id.localeCompare(b.job.id) || a.k - b.k);

  if (steps.length > 0) {
    const state = await loadChargeState(tx, accountId, through, steps[0]!.at);
    for (const { at, job, k } of steps) {
      const tokens = tokensThroughStep(job.total, k);
      const cost = trainingCostThrough(tokens) - trainingCostThrough(job.chargedTokens);
      const posted = await postResourceCharge(tx, state, {
        kind: "fine_tuning_charge",
        costMicros: cost,
        at,
        idempotencyKey: `fine-tuning:${job.id}:step:${k}`,
        description: `Fine-tuning job ${job.id} (${job.baseModel}): training tokens ${job.chargedTokens}–${tokens} of ${job.total}`,
        fineTuningJobId: job.id,
        modelName: job.baseModel,
        quantity: tokens - job.chargedTokens, // the training tokens this step charges
      });
      if (posted) {
        result.steps += 1;
        result.chargedMicros += cost;
      }
      job.chargedTokens = tokens;
      if (opts.enforceLimit && mustSuspend(state)) {
        result.suspendedAt = at;
        break;
      }
    }
  }

  const horizon = result.suspendedAt ?? through;
  const available = new Set(
    (
      await tx.model.findMany({ where: { name: { in: [...new Set(jobs.map((j) => j.baseModel))] }, active: true }, select: { name: true } })
    ).map((m) => m.name),
  );
  for (const job of jobs) {
    const trained = progressAt(job, horizon);
    const done = trained >= job.total && job.chargedTokens >= job.total;
    const finishedAt = timeReaching(job.startedAt, job.total);
    const lost = !done && !available.has(job.baseModel);
    if (job.justStarted) result.started += 1;
    await tx.fineTuningJob.update({
      where: { id: job.id },
      data: {
        trainedTokens: trained,
        chargedTokens: job.chargedTokens,
        startedAt: job.startedAt,
        ...(done
          ? { state: "completed", finishedAt }
          : lost
            ? { state: "failed", finishedAt: horizon, pausedReason: `base model ${job.baseModel} is no longer available` }
            : { state: "running" }),
      },
    });
    if (done) {
      result.completed += 1;
      await tx.customModel.create({
        data: { accountId, name: outputModelName(job.id), kind: "lora", baseModel: job.baseModel, createdAt: finishedAt },
      });
    }
    if (lost) result.failed += 1;
  }
  // Suspending pauses every job of the account as of the step that reached the limit.
  if (result.suspendedAt) await syncSuspension(tx, accountId, result.suspendedAt);
  return result;
}

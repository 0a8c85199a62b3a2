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
// Spend never passes the limit (SPEC §3, §7, §8), as with deployments (meter-account.ts): steps of
// all the account's jobs are charged in the order they were reached, each only if it fits in what the
// spend limit still allows — limit − the month's spend − the gateway's live spend leases (charge.ts
// roomUnderLimit; a step of last month run late, against last month's). A step that does not fit is
// not run: its job pauses where that step would have begun, having trained only what was charged
// (trainedTokens = chargedTokens), with the reason, and the owner is told what the limit leaves and
// what the step costs; the account's other jobs go on while their steps fit. The owner raises the
// limit (or buys credits) and resumes it. When, after a step, a suspension reason holds — spend has
// reached the limit exactly, or an account without a card has spent its credits — the run stops
// there and syncSuspension suspends the account as of that step's instant, which pauses every job
// there (halt-resources); those jobs' trainedTokens is their progress at that instant.
//
// With `enforceLimit: false` (syncSuspension's halt, which is pausing everything already) steps are
// capped the same way but the run does not suspend by itself.
import type { Prisma } from "../../db/generated/client";
import { notify } from "../../alerts/notify";
import { periodLabel } from "../../billing/period";
import { syncSuspension } from "../../billing/suspension";
import { displayUsdExact, type Micros } from "../../money";
import { loadChargeState, mustSuspend, postResourceCharge, roomUnderLimit } from "../charge";
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
  /** Jobs paused because their next step would have taken spend past the limit. */
  paused: number;
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
  /** The step the spend limit could not pay for (not run): where it would have begun, and why. */
  blocked: { at: Date; k: number; leftMicros: Micros; stepMicros: Micros; period: Date | null } | null;
}

export async function advanceAccountJobs(
  tx: Tx,
  accountId: string,
  through: Date,
  opts: {
    enforceLimit: boolean;
    /** A job being cancelled: charged like the others, but its owner is not told it paused. */
    cancelling?: string;
  },
): Promise<AdvanceAccountResult> {
  const result: AdvanceAccountResult = { steps: 0, chargedMicros: 0n, started: 0, completed: 0, failed: 0, paused: 0, suspendedAt: null };
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
      blocked: null,
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
      if (job.blocked) continue; // paused before an earlier step: it trains no further
      const tokens = tokensThroughStep(job.total, k);
      const cost = trainingCostThrough(tokens) - trainingCostThrough(job.chargedTokens);
      const room = roomUnderLimit(state, at);
      if (room !== null && cost > room) {
        const begun = timeReaching(job.startedAt, job.chargedTokens);
        job.blocked = { at: begun, k, leftMicros: room, stepMicros: cost, period: at < state.month ? at : null };
        continue;
      }
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
    // A job stopped by the limit trained only what was charged; the others as far as the horizon.
    const trained = job.blocked ? job.chargedTokens : progressAt(job, horizon);
    const done = trained >= job.total && job.chargedTokens >= job.total;
    const finishedAt = timeReaching(job.startedAt, job.total);
    const lost = !done && !available.has(job.baseModel);
    const blocked = !done && !lost ? job.blocked : null;
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
            ? {
                state: "failed",
                finishedAt: job.blocked?.at ?? horizon,
                pausedReason: `base model ${job.baseModel} is no longer available`,
              }
            : blocked
              ? { state: "paused", pausedReason: pausedReason(blocked) }
              : { state: "running" }),
      },
    });
    if (blocked) {
      result.paused += 1;
      if (job.id !== opts.cancelling) await notifyPaused(tx, accountId, job, blocked);
    }
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

type Blocked = NonNullable<LiveJob["blocked"]>;

const monthOf = (b: Blocked) => (b.period ? `in ${periodLabel(b.period)}` : "this month");

function pausedReason(b: Blocked): string {
  return `spend limit: ${displayUsdExact(b.leftMicros)} left ${monthOf(b)}, less than the next training step (${displayUsdExact(b.stepMicros)})`;
}

async function notifyPaused(tx: Tx, accountId: string, job: LiveJob, b: Blocked): Promise<void> {
  await notify(tx, {
    accountId,
    kind: "fine_tuning_paused",
    title: "Fine-tuning job paused at the spend limit",
    body:
      `Paused: ${job.id} (${job.baseModel}), after ${job.chargedTokens.toLocaleString("en-US")} of ` +
      `${job.total.toLocaleString("en-US")} training tokens. Your monthly spend limit leaves ${displayUsdExact(b.leftMicros)} ` +
      `${monthOf(b)}, less than its next training step (${displayUsdExact(b.stepMicros)}), so it was paused rather than ` +
      "run past the limit. Raise the spend limit (or buy credits), then resume it.",
    dedupeKey: `fine-tuning-paused:${job.id}:step:${b.k}:${b.at.toISOString()}`,
  });
}

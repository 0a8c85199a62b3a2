// A fine-tuning job's simulated progress (pure). A job trains at a fixed rate while running; its
// progress at any instant follows from `startedAt` alone, so advancing is deterministic and
// idempotent whenever it runs. A paused job keeps `trainedTokens`; resuming moves `startedAt` so the
// line continues from there (startedAt = "when it would have started had it never paused").
// Charges are posted per progress step: 1 % of the job's training tokens, at most 10M tokens
// ($5 at the default price); a step the spend limit cannot pay for is not run (advance-account.ts).
import { ceilDiv, maxBig, minBig } from "../../money";

export const TRAINING_TOKENS_PER_SECOND = 20_000n;
/** Simulated wait for a trainer after the job is created. */
export const QUEUE_MS = 10_000;
export const MAX_STEP_TOKENS = 10_000_000n;

export function totalTokens(datasetTokens: bigint, epochs: number): bigint {
  return datasetTokens * BigInt(epochs);
}

export function stepTokens(total: bigint): bigint {
  return maxBig(1n, minBig(MAX_STEP_TOKENS, ceilDiv(total, 100n)));
}

export function stepCount(total: bigint): number {
  return Number(ceilDiv(total, stepTokens(total)));
}

/** Training tokens done once step k (1-based) is done. */
export function tokensThroughStep(total: bigint, k: number): bigint {
  return minBig(total, BigInt(k) * stepTokens(total));
}

/** Whole steps contained in `tokens` of progress. */
export function stepsIn(total: bigint, tokens: bigint): number {
  return tokens >= total ? stepCount(total) : Number(tokens / stepTokens(total));
}

export interface ProgressLine {
  startedAt: Date;
  trainedTokens: bigint;
  total: bigint;
}

/** Tokens trained by `at` on a running job (never less than already recorded, never more than the total). */
export function progressAt(job: ProgressLine, at: Date): bigint {
  const ms = BigInt(Math.max(0, at.getTime() - job.startedAt.getTime()));
  return maxBig(job.trainedTokens, minBig(job.total, (ms * TRAINING_TOKENS_PER_SECOND) / 1000n));
}

/** The instant a running job with this `startedAt` reaches `tokens`. */
export function timeReaching(startedAt: Date, tokens: bigint): Date {
  return new Date(startedAt.getTime() + Number(ceilDiv(tokens * 1000n, TRAINING_TOKENS_PER_SECOND)));
}

/** The `startedAt` that continues a paused job's line from `trainedTokens` at `now`. */
export function startedAtForResume(now: Date, trainedTokens: bigint): Date {
  return new Date(now.getTime() - Number((trainedTokens * 1000n) / TRAINING_TOKENS_PER_SECOND));
}

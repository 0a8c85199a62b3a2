// A fine-tuning job as the API shows it: token counts as integers, money as exact USD strings.
import type { FineTuningState } from "../../db/generated/enums";
import { usdString } from "../../money";
import { trainingCostThrough } from "../pricing";
import { timeReaching, totalTokens } from "./progress";

/** The LoRA a completed job produces (a custom model of the account). */
export function outputModelName(jobId: string): string {
  return `ft-${jobId}`;
}

export const FINE_TUNING_SELECT = {
  id: true,
  baseModel: true,
  datasetTokens: true,
  epochs: true,
  trainedTokens: true,
  chargedTokens: true,
  state: true,
  pausedReason: true,
  startedAt: true,
  finishedAt: true,
  createdAt: true,
} as const;

export interface FineTuningJobRow {
  id: string;
  baseModel: string;
  datasetTokens: bigint;
  epochs: number;
  trainedTokens: bigint;
  chargedTokens: bigint;
  state: FineTuningState;
  pausedReason: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
}

export interface FineTuningJobView {
  id: string;
  baseModel: string;
  datasetTokens: number;
  epochs: number;
  totalTokens: number;
  trainedTokens: number;
  /** Whole percent of the training tokens done, as of the last advance. */
  progressPct: number;
  state: FineTuningState;
  /** Why it is paused or failed. */
  reason: string | null;
  estimatedCostUsd: string;
  chargedUsd: string;
  createdAt: string;
  /** Projection for a running job at the simulated rate. */
  estimatedCompletionAt: string | null;
  finishedAt: string | null;
  outputModel: string | null;
}

export function toFineTuningJobView(job: FineTuningJobRow): FineTuningJobView {
  const total = totalTokens(job.datasetTokens, job.epochs);
  return {
    id: job.id,
    baseModel: job.baseModel,
    datasetTokens: Number(job.datasetTokens),
    epochs: job.epochs,
    totalTokens: Number(total),
    trainedTokens: Number(job.trainedTokens),
    progressPct: total > 0n ? Number((job.trainedTokens * 100n) / total) : 0,
    state: job.state,
    reason: job.state === "paused" || job.state === "failed" ? job.pausedReason : null,
    estimatedCostUsd: usdString(trainingCostThrough(total)),
    chargedUsd: usdString(trainingCostThrough(job.chargedTokens)),
    createdAt: job.createdAt.toISOString(),
    estimatedCompletionAt: job.state === "running" && job.startedAt ? timeReaching(job.startedAt, total).toISOString() : null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    outputModel: job.state === "completed" ? outputModelName(job.id) : null,
  };
}

// What each count quota is using right now, and the values in force. Read inside the transaction
// that holds the account lock when a create or scale depends on it (see lock-account.ts).
import type { Prisma } from "../db/generated/client";
import { COUNT_QUOTAS, type CountQuotaName } from "./definitions";

type Q = Prisma.TransactionClient;

/**
 * - deployed-models: live custom models and LoRAs, plus one slot held by every fine-tuning job that
 *   has not finished (its output becomes a LoRA on completion, so the slot is reserved up front).
 * - a100-gpus / h100-gpus: GPUs of deployments that are starting or running (stopped ones hold none).
 */
export async function countQuotaUsage(q: Q, accountId: string): Promise<Record<CountQuotaName, number>> {
  const [models, jobs, gpus] = await Promise.all([
    q.customModel.count({ where: { accountId, deletedAt: null } }),
    q.fineTuningJob.count({ where: { accountId, state: { in: ["queued", "running", "paused"] } } }),
    q.deployment.groupBy({ by: ["gpuType"], where: { accountId, state: { not: "stopped" } }, _sum: { gpuCount: true } }),
  ]);
  return {
    "deployed-models": models + jobs,
    "a100-gpus": gpus.find((g) => g.gpuType === "A100")?._sum.gpuCount ?? 0,
    "h100-gpus": gpus.find((g) => g.gpuType === "H100")?._sum.gpuCount ?? 0,
  };
}

/** The account's quota values: its own rows, else the defaults of SPEC §8. */
export async function quotaValues(q: Q, accountId: string): Promise<Record<CountQuotaName, number>> {
  const rows = await q.quota.findMany({ where: { accountId }, select: { name: true, value: true } });
  const values = {} as Record<CountQuotaName, number>;
  for (const quota of COUNT_QUOTAS) values[quota.name] = rows.find((r) => r.name === quota.db)?.value ?? quota.default;
  return values;
}

// POST /api/v1/fine-tuning-jobs's verb. A job trains a LoRA on a catalogue base model; from creation
// until it finishes it holds one `deployed-models` slot for that LoRA (checked here, under the
// account lock, with the insert), so a completed job can always register its output.
import { db } from "../../db";
import { checkQuota } from "../../quotas/check-quota";
import { lockActiveAccount, resourceTransaction } from "../../quotas/lock-account";
import { invalid, type Outcome } from "../../quotas/outcome";
import type { CreateFineTuningJobInput } from "../schemas";
import { FINE_TUNING_SELECT, toFineTuningJobView, type FineTuningJobView } from "./view";

export async function createFineTuningJob(
  accountId: string,
  input: CreateFineTuningJobInput,
  actorId: string | null,
  now = new Date(),
): Promise<Outcome<{ job: FineTuningJobView }>> {
  const base = await db().model.count({ where: { name: input.baseModel, active: true } });
  if (base === 0)
    return invalid(`baseModel: unknown model "${input.baseModel}"; fine-tune one of the models GET /v1/models lists`, "baseModel");
  return resourceTransaction(async (tx) => {
    const refused = (await lockActiveAccount(tx, accountId, now)) ?? (await checkQuota(tx, accountId, "deployed-models", 1));
    if (refused) return refused;
    const row = await tx.fineTuningJob.create({
      data: {
        accountId,
        baseModel: input.baseModel,
        datasetTokens: BigInt(input.datasetTokens),
        epochs: input.epochs,
        state: "queued",
        createdAt: now,
      },
      select: FINE_TUNING_SELECT,
    });
    await tx.auditLog.create({
      data: {
        accountId,
        actorId,
        action: "fine_tuning_job.created",
        detail: { jobId: row.id, baseModel: input.baseModel, datasetTokens: input.datasetTokens, epochs: input.epochs },
      },
    });
    return { ok: true as const, job: toFineTuningJobView(row) };
  });
}

// POST /api/v1/fine-tuning-jobs/{id}/cancel's verb. The training done up to now is charged first
// (it happened); then the job is cancelled and frees its deployed-models slot. Allowed while
// suspended. A job that finished in the meantime stays completed (409).
import { lockAccount } from "../../billing/lock-account";
import { resourceTransaction } from "../../quotas/lock-account";
import { conflict, notFound, type Outcome } from "../../quotas/outcome";
import { advanceAccountJobs } from "./advance-account";
import { FINE_TUNING_SELECT, toFineTuningJobView, type FineTuningJobView } from "./view";

const FINAL = new Set(["completed", "failed", "cancelled"]);

export async function cancelFineTuningJob(
  accountId: string,
  id: string,
  actorId: string | null,
  now = new Date(),
): Promise<Outcome<{ job: FineTuningJobView }>> {
  return resourceTransaction(async (tx) => {
    await lockAccount(tx, accountId);
    const before = await tx.fineTuningJob.findFirst({ where: { id, accountId }, select: { state: true } });
    if (!before) return notFound("fine-tuning job");
    if (before.state === "running" || before.state === "queued")
      await advanceAccountJobs(tx, accountId, now, { enforceLimit: true, cancelling: id });
    const current = await tx.fineTuningJob.findUniqueOrThrow({ where: { id }, select: { state: true } });
    if (FINAL.has(current.state)) return conflict(`the job is already ${current.state}`);
    const row = await tx.fineTuningJob.update({
      where: { id },
      data: { state: "cancelled", finishedAt: now, pausedReason: null },
      select: FINE_TUNING_SELECT,
    });
    await tx.auditLog.create({ data: { accountId, actorId, action: "fine_tuning_job.cancelled", detail: { jobId: id } } });
    return { ok: true as const, job: toFineTuningJobView(row) };
  });
}

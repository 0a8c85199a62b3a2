// POST /api/v1/fine-tuning-jobs/{id}/resume's verb: a paused job (paused by a suspension) carries on
// from where it stopped. Lifting a suspension restarts nothing by itself (SPEC §5); the owner
// resumes. Refused while the account is still suspended. The job kept its deployed-models slot.
import { lockActiveAccount, resourceTransaction } from "../../quotas/lock-account";
import { conflict, notFound, type Outcome } from "../../quotas/outcome";
import { startedAtForResume } from "./progress";
import { FINE_TUNING_SELECT, toFineTuningJobView, type FineTuningJobView } from "./view";

export async function resumeFineTuningJob(
  accountId: string,
  id: string,
  actorId: string | null,
  now = new Date(),
): Promise<Outcome<{ job: FineTuningJobView }>> {
  return resourceTransaction(async (tx) => {
    const suspended = await lockActiveAccount(tx, accountId, now);
    const job = await tx.fineTuningJob.findFirst({ where: { id, accountId }, select: { state: true, trainedTokens: true } });
    if (!job) return notFound("fine-tuning job");
    if (job.state !== "paused") return conflict(`only a paused job can be resumed; this one is ${job.state}`);
    if (suspended) return suspended;
    const row = await tx.fineTuningJob.update({
      where: { id },
      data: { state: "running", startedAt: startedAtForResume(now, job.trainedTokens), pausedReason: null },
      select: FINE_TUNING_SELECT,
    });
    await tx.auditLog.create({ data: { accountId, actorId, action: "fine_tuning_job.resumed", detail: { jobId: id } } });
    return { ok: true as const, job: toFineTuningJobView(row) };
  });
}

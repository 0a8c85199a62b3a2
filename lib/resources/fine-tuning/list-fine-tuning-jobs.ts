// GET /api/v1/fine-tuning-jobs(/{id})'s verbs: jobs as of the last advance of the fine-tuning job.
import { db } from "../../db";
import { notFound, type Outcome } from "../../quotas/outcome";
import { FINE_TUNING_SELECT, toFineTuningJobView, type FineTuningJobView } from "./view";

export async function listFineTuningJobs(accountId: string): Promise<FineTuningJobView[]> {
  const rows = await db().fineTuningJob.findMany({ where: { accountId }, select: FINE_TUNING_SELECT, orderBy: { createdAt: "desc" } });
  return rows.map(toFineTuningJobView);
}

export async function getFineTuningJob(accountId: string, id: string): Promise<Outcome<{ job: FineTuningJobView }>> {
  const row = await db().fineTuningJob.findFirst({ where: { id, accountId }, select: FINE_TUNING_SELECT });
  return row ? { ok: true, job: toFineTuningJobView(row) } : notFound("fine-tuning job");
}

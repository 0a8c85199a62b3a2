// While an account is suspended nothing may keep spending (SPEC §5): running deployments stop and
// fine-tuning jobs pause. Lifting the suspension restarts nothing; the owner does that.
import type { Prisma } from "../db/generated/client";

type Tx = Prisma.TransactionClient;

export async function haltResourcesForSuspension(
  tx: Tx,
  accountId: string,
  reason: string,
  now = new Date(),
): Promise<{ deployments: number; jobs: number }> {
  const deployments = await tx.deployment.updateMany({
    where: { accountId, state: { in: ["starting", "running"] } },
    data: { state: "stopped", stoppedAt: now, stoppedReason: `suspended: ${reason}` },
  });
  const jobs = await tx.fineTuningJob.updateMany({
    where: { accountId, state: { in: ["queued", "running"] } },
    data: { state: "paused", pausedReason: `suspended: ${reason}` },
  });
  return { deployments: deployments.count, jobs: jobs.count };
}

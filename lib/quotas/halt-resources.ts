// While an account is suspended nothing may keep spending (SPEC §5): running deployments stop and
// fine-tuning jobs pause. Lifting the suspension restarts nothing; the owner does that.
//
// Called by syncSuspension inside the transaction that suspended the account (which has already
// written the account row, so holds its lock). Before stopping, the usage up to `now` is settled:
// deployments are charged every whole minute they ran, jobs every step they reached — without
// suspending again from inside (the account is being suspended already), deployments no further than
// the spend limit allows — so nothing after `now` is billed. The owner is told which deployments stopped.
import type { Prisma } from "../db/generated/client";
import { notify } from "../alerts/notify";
import { meterAccountDeployments } from "../resources/deployments/meter-account";
import { advanceAccountJobs } from "../resources/fine-tuning/advance-account";
import { stopInstant } from "../resources/deployments/timing";

type Tx = Prisma.TransactionClient;

export async function haltResourcesForSuspension(
  tx: Tx,
  accountId: string,
  reason: string,
  now = new Date(),
): Promise<{ deployments: number; jobs: number }> {
  const live = await tx.deployment.findMany({ where: { accountId, state: { in: ["starting", "running"] } }, select: { id: true } });
  const active = await tx.fineTuningJob.count({ where: { accountId, state: { in: ["queued", "running"] } } });
  if (live.length === 0 && active === 0) return { deployments: 0, jobs: 0 };

  let deployments = 0;
  if (live.length > 0) {
    await meterAccountDeployments(tx, accountId, now, { enforceLimit: false });
    const rows = await tx.deployment.findMany({
      where: { accountId, state: { in: ["starting", "running"] } },
      select: { id: true, lastMeteredAt: true },
    });
    for (const row of rows) {
      await tx.deployment.update({
        where: { id: row.id },
        data: { state: "stopped", stoppedAt: stopInstant(now, row.lastMeteredAt), stoppedReason: `suspended: ${reason}` },
      });
    }
    deployments = rows.length;
    if (rows.length > 0) {
      await notify(tx, {
        accountId,
        kind: "deployment_stopped",
        title: rows.length === 1 ? "Deployment stopped: account suspended" : `${rows.length} deployments stopped: account suspended`,
        body: `Stopped: ${rows.map((r) => r.id).join(", ")}. While the account is suspended (${reason}) nothing may keep spending; start them again once it is active.`,
        dedupeKey: `deployments-halted:${accountId}:${now.toISOString()}`,
      });
    }
  }
  let jobs = 0;
  if (active > 0) {
    await advanceAccountJobs(tx, accountId, now, { enforceLimit: false });
    const paused = await tx.fineTuningJob.updateMany({
      where: { accountId, state: { in: ["queued", "running"] } },
      data: { state: "paused", pausedReason: `suspended: ${reason}` },
    });
    jobs = paused.count;
  }
  return { deployments, jobs };
}

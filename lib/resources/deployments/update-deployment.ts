// PATCH/DELETE /api/v1/deployments/{id}'s verbs: scale, start, stop, delete (stop, then gone from
// the list; the row stays for its ledger entries and invoice lines). Each runs under the account
// lock. Before a running deployment changes (scale, stop) its whole minutes so far are charged at
// the old size, so every minute is billed at the GPU count it actually ran with; the final
// partial minute of a run is not charged.
import type { Prisma } from "../../db/generated/client";
import { checkQuota, checkQuotaAlone } from "../../quotas/check-quota";
import { GPU_QUOTA } from "../../quotas/definitions";
import { lockActiveAccount, resourceTransaction } from "../../quotas/lock-account";
import { conflict, notFound, type Outcome } from "../../quotas/outcome";
import type { UpdateDeploymentInput } from "../schemas";
import { chargedByDeployment } from "./list-deployments";
import { meterAccountDeployments } from "./meter-account";
import { stopInstant } from "./timing";
import { DEPLOYMENT_SELECT, toDeploymentView, type DeploymentView } from "./view";

type Tx = Prisma.TransactionClient;
type Result = Outcome<{ deployment: DeploymentView }>;

export function updateDeployment(
  accountId: string,
  id: string,
  change: UpdateDeploymentInput,
  actorId: string | null,
  now = new Date(),
): Promise<Result> {
  if (change.action === "stop") return stopDeployment(accountId, id, actorId, now);
  return resourceTransaction(async (tx) => {
    const suspended = await lockActiveAccount(tx, accountId, now);
    const row = await tx.deployment.findFirst({
      where: { id, accountId, deletedAt: null },
      select: { id: true, state: true, gpuType: true, gpuCount: true, customModel: { select: { name: true, deletedAt: true } } },
    });
    if (!row) return notFound("deployment");
    const live = row.state !== "stopped";

    if (change.action === "start") {
      if (live) return view(tx, accountId, id); // already starting or running
      if (row.customModel?.deletedAt)
        return conflict(`The model "${row.customModel.name}" was deleted: this deployment cannot start again.`);
      const refused = suspended ?? (await checkQuota(tx, accountId, GPU_QUOTA[row.gpuType], row.gpuCount));
      if (refused) return refused;
      await tx.deployment.update({
        where: { id },
        data: { state: "starting", startedAt: now, stoppedAt: null, stoppedReason: null, lastMeteredAt: null },
      });
      await tx.auditLog.create({ data: { accountId, actorId, action: "deployment.started", detail: { deploymentId: id } } });
      return view(tx, accountId, id);
    }

    const gpuCount = change.gpuCount!;
    if (gpuCount === row.gpuCount) return view(tx, accountId, id);
    if (live && gpuCount > row.gpuCount) {
      const refused = suspended ?? (await checkQuota(tx, accountId, GPU_QUOTA[row.gpuType], gpuCount - row.gpuCount));
      if (refused) return refused;
    }
    // A stopped deployment holds no GPUs until started, so it may be resized while others use the
    // quota — but not past the quota itself (SPEC §8: scaling past a quota fails): a size that could
    // never start is refused now, not at start.
    if (!live && gpuCount > row.gpuCount) {
      const refused = await checkQuotaAlone(tx, accountId, GPU_QUOTA[row.gpuType], gpuCount);
      if (refused) return refused;
    }
    if (live) await meterAccountDeployments(tx, accountId, now, { enforceLimit: true });
    await tx.deployment.update({ where: { id }, data: { gpuCount } });
    await tx.auditLog.create({
      data: { accountId, actorId, action: "deployment.scaled", detail: { deploymentId: id, from: row.gpuCount, to: gpuCount } },
    });
    return view(tx, accountId, id);
  });
}

/** Stop a deployment (idempotent: stopping a stopped one changes nothing). */
export function stopDeployment(accountId: string, id: string, actorId: string | null, now = new Date()): Promise<Result> {
  return stopAndMaybeDelete(accountId, id, actorId, now, false);
}

/** Stop a deployment (its minutes so far charged) and remove it from the account's list. */
export function deleteDeployment(accountId: string, id: string, actorId: string | null, now = new Date()): Promise<Result> {
  return stopAndMaybeDelete(accountId, id, actorId, now, true);
}

function stopAndMaybeDelete(accountId: string, id: string, actorId: string | null, now: Date, remove: boolean): Promise<Result> {
  return resourceTransaction(async (tx) => {
    await lockActiveAccount(tx, accountId, now);
    const row = await tx.deployment.findFirst({ where: { id, accountId, deletedAt: null }, select: { state: true } });
    if (!row) return notFound("deployment");
    if (row.state !== "stopped") {
      await meterAccountDeployments(tx, accountId, now, { enforceLimit: true });
      // Charging up to now may itself have reached the limit and stopped it (suspended).
      const metered = await tx.deployment.findUniqueOrThrow({ where: { id }, select: { lastMeteredAt: true } });
      await tx.deployment.updateMany({
        where: { id, state: { not: "stopped" } },
        data: { state: "stopped", stoppedAt: stopInstant(now, metered.lastMeteredAt), stoppedReason: "stopped by the owner" },
      });
      await tx.auditLog.create({ data: { accountId, actorId, action: "deployment.stopped", detail: { deploymentId: id } } });
    }
    if (remove) {
      await tx.deployment.update({ where: { id }, data: { deletedAt: now } });
      await tx.auditLog.create({ data: { accountId, actorId, action: "deployment.deleted", detail: { deploymentId: id } } });
    }
    return view(tx, accountId, id);
  });
}

async function view(tx: Tx, accountId: string, id: string): Promise<Result> {
  const row = await tx.deployment.findUniqueOrThrow({ where: { id }, select: DEPLOYMENT_SELECT });
  const charged = await chargedByDeployment(tx, accountId, [id]);
  return { ok: true, deployment: toDeploymentView(row, charged.get(id) ?? 0n) };
}

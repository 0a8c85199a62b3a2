// DELETE /api/v1/models/{id}'s verb: remove a custom model or LoRA (kept as history with
// deletedAt; it frees its deployed-models slot at once). Allowed while suspended: it spends nothing.
// Refused while a deployment of it is starting or running: stop or delete that first.
import { lockAccount } from "../../billing/lock-account";
import { resourceTransaction } from "../../quotas/lock-account";
import { conflict, notFound, type Outcome } from "../../quotas/outcome";

export async function deleteCustomModel(
  accountId: string,
  id: string,
  actorId: string | null,
  now = new Date(),
): Promise<Outcome<{ id: string }>> {
  return resourceTransaction(async (tx) => {
    // Under the account's lock, like createDeployment: a deployment cannot start on the model
    // between this check and the delete.
    if (!(await lockAccount(tx, accountId))) return notFound("model");
    const live = await tx.deployment.count({ where: { accountId, customModelId: id, deletedAt: null, state: { not: "stopped" } } });
    if (live > 0)
      return conflict(
        `This model has ${live} deployment${live === 1 ? "" : "s"} starting or running: stop or delete ${live === 1 ? "it" : "them"} first.`,
      );
    const deleted = await tx.customModel.updateMany({ where: { id, accountId, deletedAt: null }, data: { deletedAt: now } });
    if (deleted.count === 0) return notFound("model");
    await tx.auditLog.create({ data: { accountId, actorId, action: "custom_model.deleted", detail: { customModelId: id } } });
    return { ok: true as const, id };
  });
}

// DELETE /api/v1/models/{id}'s verb: remove a custom model or LoRA (kept as history with
// deletedAt; it frees its deployed-models slot at once). Allowed while suspended: it spends nothing.
import { db } from "../../db";
import { notFound, type Outcome } from "../../quotas/outcome";

export async function deleteCustomModel(
  accountId: string,
  id: string,
  actorId: string | null,
  now = new Date(),
): Promise<Outcome<{ id: string }>> {
  const deleted = await db().customModel.updateMany({ where: { id, accountId, deletedAt: null }, data: { deletedAt: now } });
  if (deleted.count === 0) return notFound("model");
  await db().auditLog.create({ data: { accountId, actorId, action: "custom_model.deleted", detail: { customModelId: id } } });
  return { ok: true, id };
}

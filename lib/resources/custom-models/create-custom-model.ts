// POST /api/v1/models's verb: register a custom model or a LoRA adapter. Each counts toward the
// `deployed-models` quota; the check, the name's uniqueness and the insert are one transaction under
// the account lock. A LoRA's base is a catalogue model or one of the account's own full models; a
// name of an active catalogue model is taken.
import { checkQuota } from "../../quotas/check-quota";
import { lockActiveAccount, resourceTransaction } from "../../quotas/lock-account";
import { conflict, invalid, type Outcome } from "../../quotas/outcome";
import type { CreateCustomModelInput } from "../schemas";
import { CUSTOM_MODEL_SELECT, toCustomModelView, type CustomModelView } from "./view";

export async function createCustomModel(
  accountId: string,
  input: CreateCustomModelInput,
  actorId: string | null,
  now = new Date(),
): Promise<Outcome<{ model: CustomModelView }>> {
  return resourceTransaction(async (tx) => {
    const refused = await lockActiveAccount(tx, accountId, now);
    if (refused) return refused;
    if (input.baseModel !== undefined) {
      const [catalogue, own] = await Promise.all([
        tx.model.count({ where: { name: input.baseModel, active: true } }),
        tx.customModel.count({ where: { accountId, name: input.baseModel, kind: "model", deletedAt: null } }),
      ]);
      if (catalogue + own === 0) {
        return invalid(`baseModel: unknown model "${input.baseModel}"; use a catalogue model or one of your custom models`, "baseModel");
      }
    }
    const [catalogue, taken] = await Promise.all([
      tx.model.count({ where: { name: input.name, active: true } }),
      tx.customModel.count({ where: { accountId, name: input.name, deletedAt: null } }),
    ]);
    // A custom model shadows the catalogue's of the same name (deployments look custom models up
    // first), so `hr-small-8b` would deploy the account's copy, not the catalogue model.
    if (catalogue > 0) return conflict(`name: "${input.name}" is a catalogue model's name; choose another name`, "name");
    if (taken > 0) return conflict(`name: a model named "${input.name}" already exists in this account`, "name");
    const over = await checkQuota(tx, accountId, "deployed-models", 1);
    if (over) return over;
    const row = await tx.customModel.create({
      data: { accountId, name: input.name, kind: input.kind, baseModel: input.baseModel ?? null, createdAt: now },
      select: CUSTOM_MODEL_SELECT,
    });
    await tx.auditLog.create({
      data: { accountId, actorId, action: "custom_model.created", detail: { customModelId: row.id, name: row.name, kind: row.kind } },
    });
    return { ok: true as const, model: toCustomModelView(row) };
  });
}

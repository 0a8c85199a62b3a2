// POST /api/v1/deployments's verb: an on-demand deployment on A100 or H100 GPUs of one of the
// account's custom models or LoRAs (looked up first: that is what custom models are for) or of a
// catalogue model. The GPU quota check and the insert are one transaction under the account lock,
// so concurrent creates can never together exceed the quota.
import { db } from "../../db";
import { checkQuota } from "../../quotas/check-quota";
import { GPU_QUOTA } from "../../quotas/definitions";
import { lockActiveAccount, resourceTransaction } from "../../quotas/lock-account";
import { invalid, type Outcome } from "../../quotas/outcome";
import type { CreateDeploymentInput } from "../schemas";
import { DEPLOYMENT_SELECT, toDeploymentView, type DeploymentView } from "./view";

export async function createDeployment(
  accountId: string,
  input: CreateDeploymentInput,
  actorId: string | null,
  now = new Date(),
): Promise<Outcome<{ deployment: DeploymentView }>> {
  const custom = await db().customModel.findFirst({
    where: { accountId, name: input.model, deletedAt: null },
    select: { id: true, baseModel: true },
  });
  // A custom model or LoRA runs on its catalogue base when it has one (a LoRA on another custom model has none here).
  const catalogueName = custom ? custom.baseModel : input.model;
  const model = catalogueName ? await db().model.findFirst({ where: { name: catalogueName, active: true }, select: { id: true } }) : null;
  if (!custom && !model)
    return invalid(
      `model: unknown model "${input.model}"; deploy one of your custom models or one of the models GET /v1/models lists`,
      "model",
    );
  return resourceTransaction(async (tx) => {
    const refused =
      (await lockActiveAccount(tx, accountId, now)) ?? (await checkQuota(tx, accountId, GPU_QUOTA[input.gpuType], input.gpuCount));
    if (refused) return refused;
    // Deleted since it was looked up? (deleteCustomModel takes the same lock.)
    if (custom && (await tx.customModel.count({ where: { id: custom.id, deletedAt: null } })) === 0)
      return invalid(`model: "${input.model}" was just deleted`, "model");
    const row = await tx.deployment.create({
      data: {
        accountId,
        modelId: model?.id ?? null,
        customModelId: custom?.id ?? null,
        gpuType: input.gpuType,
        gpuCount: input.gpuCount,
        state: "starting",
        startedAt: now,
        createdAt: now,
      },
      select: DEPLOYMENT_SELECT,
    });
    await tx.auditLog.create({
      data: {
        accountId,
        actorId,
        action: "deployment.created",
        detail: { deploymentId: row.id, model: input.model, gpuType: input.gpuType, gpuCount: input.gpuCount },
      },
    });
    return { ok: true as const, deployment: toDeploymentView(row, 0n) };
  });
}

// POST /api/v1/deployments's verb: an on-demand deployment of a catalogue model on A100 or H100
// GPUs. The GPU quota check and the insert are one transaction under the account lock, so
// concurrent creates can never together exceed the quota.
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
  const model = await db().model.findFirst({ where: { name: input.model, active: true }, select: { id: true } });
  if (!model) return invalid(`model: unknown model "${input.model}"; deploy one of the models GET /v1/models lists`, "model");
  return resourceTransaction(async (tx) => {
    const refused =
      (await lockActiveAccount(tx, accountId, now)) ?? (await checkQuota(tx, accountId, GPU_QUOTA[input.gpuType], input.gpuCount));
    if (refused) return refused;
    const row = await tx.deployment.create({
      data: {
        accountId,
        modelId: model.id,
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

// GET/PATCH/DELETE /api/v1/deployments/{id} — read; scale ({gpuCount}) or start/stop ({action}); delete (stops it first).
import { json, noBody, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { getDeployment } from "@/lib/resources/deployments/list-deployments";
import { deleteDeployment, updateDeployment } from "@/lib/resources/deployments/update-deployment";
import { updateDeploymentSchema } from "@/lib/resources/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ params, caller }) =>
  json(orThrow(await getDeployment(caller.accountId, params.id ?? "")).deployment),
);

export const PATCH = withAccount(
  async ({ req, params, caller }) => {
    const change = await readJson(req, updateDeploymentSchema);
    return json(orThrow(await updateDeployment(caller.accountId, params.id ?? "", change, caller.userId)).deployment);
  },
  { role: "owner" },
);

export const DELETE = withAccount(
  async ({ req, params, caller }) => {
    await readJson(req, noBody);
    return json(orThrow(await deleteDeployment(caller.accountId, params.id ?? "", caller.userId)).deployment);
  },
  { role: "owner" },
);

const other = otherMethods({ GET, PATCH, DELETE });
export { other as POST, other as PUT, other as OPTIONS };

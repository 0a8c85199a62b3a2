// GET/POST /api/v1/deployments — on-demand deployments; creating checks the GPU quota (422 past it).
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { createDeployment } from "@/lib/resources/deployments/create-deployment";
import { listDeployments } from "@/lib/resources/deployments/list-deployments";
import { createDeploymentSchema } from "@/lib/resources/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => json({ deployments: await listDeployments(caller.accountId) }));

export const POST = withAccount(
  async ({ req, caller }) => {
    const input = await readJson(req, createDeploymentSchema);
    const { deployment } = orThrow(await createDeployment(caller.accountId, input, caller.userId));
    return json(deployment, 201);
  },
  { role: "owner" },
);

const other = otherMethods({ GET, POST });
export { other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

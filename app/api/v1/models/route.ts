// GET/POST /api/v1/models — the account's custom models and LoRA adapters (count toward deployed-models).
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { createCustomModel } from "@/lib/resources/custom-models/create-custom-model";
import { listCustomModels } from "@/lib/resources/custom-models/list-custom-models";
import { createCustomModelSchema } from "@/lib/resources/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => json({ models: await listCustomModels(caller.accountId) }));

export const POST = withAccount(
  async ({ req, caller }) => {
    const input = await readJson(req, createCustomModelSchema);
    const { model } = orThrow(await createCustomModel(caller.accountId, input, caller.userId));
    return json(model, 201);
  },
  { role: "owner" },
);

const other = otherMethods({ GET, POST });
export { other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

// DELETE /api/v1/models/{id} — remove a custom model or LoRA (frees its deployed-models slot).
import { json, noBody, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { deleteCustomModel } from "@/lib/resources/custom-models/delete-custom-model";
import { otherMethods } from "@/lib/http/fallbacks";

export const DELETE = withAccount(
  async ({ req, params, caller }) => {
    await readJson(req, noBody);
    const { id } = orThrow(await deleteCustomModel(caller.accountId, params.id ?? "", caller.userId));
    return json({ id, deleted: true });
  },
  { role: "owner" },
);

const other = otherMethods({ DELETE });
export { other as GET, other as POST, other as PUT, other as PATCH, other as HEAD, other as OPTIONS };

// PUT /api/operator/policies/{model} — {policy}: replace a model's rate-limit policy (audited); this
// instance's gateway sees it at once, other instances within their catalog refresh (5 s).
import { gateway } from "@/lib/gateway/context";
import { AppError } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { putPolicySchema } from "@/lib/limits/policy-input";
import { setPolicy } from "@/lib/limits/policy-store";
import { otherMethods } from "@/lib/http/fallbacks";

export const PUT = withOperator(async ({ req, params, caller }) => {
  const { policy } = await readJson(req, putPolicySchema);
  const result = await setPolicy(params.model ?? "", policy, { userId: caller.userId, label: caller.email });
  if (!result.ok) throw new AppError("model_not_found", result.message, { param: "model" });
  gateway().catalog.invalidate();
  return json({ ...result.policy, previous: result.previous });
});

const other = otherMethods({ PUT });
export { other as GET, other as POST, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

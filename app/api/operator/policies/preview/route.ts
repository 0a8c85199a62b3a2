// POST /api/operator/policies/preview — {policy, traffic?, minutes?, modelLoadPct?}: the limits a
// traffic pattern would see minute by minute under a policy (the limit simulator, SPEC §6).
import { badRequest } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { policyPreviewSchema } from "@/lib/limits/policy-input";
import { previewPolicy } from "@/lib/limits/preview-policy";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withOperator(async ({ req }) => {
  const input = await readJson(req, policyPreviewSchema);
  const result = previewPolicy(input);
  if (!result.ok) throw badRequest(result.message, result.param);
  return json({ minutes: result.minutes, summary: result.summary });
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

// POST /api/v1/fine-tuning-jobs/{id}/cancel — stop a job for good (training so far is charged).
import { json, noBody, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { cancelFineTuningJob } from "@/lib/resources/fine-tuning/cancel-fine-tuning-job";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withAccount(
  async ({ req, params, caller }) => {
    await readJson(req, noBody);
    return json(orThrow(await cancelFineTuningJob(caller.accountId, params.id ?? "", caller.userId)).job);
  },
  { role: "owner" },
);

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

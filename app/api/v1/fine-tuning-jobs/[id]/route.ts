// GET /api/v1/fine-tuning-jobs/{id} — one job with its progress and what it has cost so far.
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { getFineTuningJob } from "@/lib/resources/fine-tuning/list-fine-tuning-jobs";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ params, caller }) => json(orThrow(await getFineTuningJob(caller.accountId, params.id ?? "")).job));

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

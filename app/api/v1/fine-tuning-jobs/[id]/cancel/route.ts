// POST /api/v1/fine-tuning-jobs/{id}/cancel — stop a job for good (training so far is charged).
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { cancelFineTuningJob } from "@/lib/resources/fine-tuning/cancel-fine-tuning-job";

export const POST = withAccount(
  async ({ params, caller }) => json(orThrow(await cancelFineTuningJob(caller.accountId, params.id ?? "", caller.userId)).job),
  { role: "owner" },
);

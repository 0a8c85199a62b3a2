// GET/POST /api/v1/fine-tuning-jobs — fine-tuning jobs, charged per training token as they progress.
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { orThrow } from "@/lib/quotas/outcome";
import { createFineTuningJob } from "@/lib/resources/fine-tuning/create-fine-tuning-job";
import { listFineTuningJobs } from "@/lib/resources/fine-tuning/list-fine-tuning-jobs";
import { createFineTuningJobSchema } from "@/lib/resources/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => json({ fineTuningJobs: await listFineTuningJobs(caller.accountId) }));

export const POST = withAccount(
  async ({ req, caller }) => {
    const input = await readJson(req, createFineTuningJobSchema);
    const { job } = orThrow(await createFineTuningJob(caller.accountId, input, caller.userId));
    return json(job, 201);
  },
  { role: "owner" },
);

const other = otherMethods({ GET, POST });
export { other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

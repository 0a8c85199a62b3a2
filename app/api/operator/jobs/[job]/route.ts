// POST /api/operator/jobs/{job} — run a background job now, optionally "as of" a time, for one
// month or one account: {at?, period?: "YYYY-MM", accountId?, repair?} (month-close, reconcile, …).
// A future `at` only against the Stripe emulator (lib/jobs/job-time.ts).
import { AppError } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { getJob, JobInputError, listJobs } from "@/lib/jobs/jobs";
import { jobTime } from "@/lib/jobs/job-time";
import { runJobNow } from "@/lib/jobs/runner";
import { runJobSchema } from "@/lib/billing/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withOperator(async ({ req, params }) => {
  const job = getJob(params.job ?? "");
  if (!job) {
    throw new AppError(
      "not_found",
      `Unknown job "${params.job}". Jobs: ${listJobs()
        .map((j) => j.name)
        .join(", ")}.`,
    );
  }
  const input = await readJson(req, runJobSchema);
  const at = jobTime(input.at);
  const outcome = await runJobNow(job.name, () => job.run({ at, period: input.period, accountId: input.accountId, repair: input.repair }));
  if (!outcome.ran) throw new AppError("conflict", "The job is already running.");
  if (!outcome.ok) {
    if (outcome.cause instanceof JobInputError) {
      throw new AppError(outcome.cause.code === "not_found" ? "not_found" : "invalid_request_error", outcome.cause.message);
    }
    throw new AppError("internal_error", `Job ${job.name} failed (run ${outcome.jobRunId}); see the server log.`);
  }
  return json({ job: job.name, jobRunId: outcome.jobRunId, at: at.toISOString(), result: outcome.result });
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

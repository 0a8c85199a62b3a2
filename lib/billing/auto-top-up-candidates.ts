// Which accounts the minute auto-top-up job runs for (SPEC §4): those with auto top-up on and a
// balance below its threshold, and those with an attempt that may still hide a charge — open, or
// closed unconfirmed in the last two months — so that a charge which went through is found and
// granted even when no new top-up is due (the owner bought credits meanwhile, or turned it off).
import { db } from "../db";
import { ATTEMPT_JOB, UNCONFIRMED_MESSAGE } from "./auto-top-up-attempts";

export async function autoTopUpCandidates(): Promise<string[]> {
  const rows = await db().$queryRaw<{ accountId: string }[]>`
    SELECT t."accountId" FROM "AutoTopUp" t JOIN "Account" a ON a."id" = t."accountId"
    WHERE t."enabled" AND a."creditBalanceMicros" < t."thresholdMicros"
    UNION
    SELECT split_part(j."key", ':', 1) FROM "JobRun" j
    WHERE j."job" = ${ATTEMPT_JOB} AND j."startedAt" > now() - interval '62 days' AND (
      j."status" = 'running' OR (j."status" = 'failed' AND (
        j."result"->>'unconfirmed' = 'true' OR (j."result"->>'message' = ${UNCONFIRMED_MESSAGE} AND j."result"->'unconfirmed' IS NULL))))`;
  return rows.map((r) => r.accountId);
}

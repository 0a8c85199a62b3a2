// GET /api/v1/usage's verb: per model, a gap-free time series of requests, tokens, cost, over-limit
// and rejected counts, and the dynamic limits in force in every bucket — for every model the account
// may call (the catalogue's active ones), used in the range or not. Withdrawn usage records (never
// charged: lib/billing/settle-withdrawn-charges.ts) are left out. The database sums the usage
// records per minute (the limit line is replayed minute by minute, limits-in-force.ts) and finds each
// model's last minute with usage before the range (where its line starts); build-usage-series.ts
// makes the buckets.
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import { listPolicies } from "../limits/policy-store";
import { BUCKET_MS, buildUsageSeries, seriesModels, type MinuteRow, type RejectionRow, type UsageSeries } from "./build-usage-series";
import type { UsageQuery } from "./schemas";

export type { UsagePoint, UsageSeries } from "./build-usage-series";

const MINUTE_SUMS = Prisma.sql`
  SUM(u."n")::bigint AS "requests", SUM(u."promptTokens")::bigint AS "tokensPrompt", SUM(u."completionTokens")::bigint AS "tokensGenerated",
  SUM(u."costMicros")::bigint AS "cost", COUNT(*) FILTER (WHERE u."overLimit")::bigint AS "overLimit",
  MAX(u."limitRequests") AS "limitRequests", MAX(u."limitTokensPrompt") AS "limitTokensPrompt", MAX(u."limitTokensGenerated") AS "limitTokensGenerated"`;

export async function usageSeries(accountId: string, q: UsageQuery, now = new Date()): Promise<UsageSeries> {
  const step = BUCKET_MS[q.granularity];
  const until = new Date(Math.floor(now.getTime() / step) * step + step);
  const since = new Date(until.getTime() - Math.ceil(q.since / step) * step);
  const modelFilter = q.model ? Prisma.sql`AND m."name" = ${q.model}` : Prisma.empty;
  const trunc = Prisma.raw(`'${q.granularity}'`);
  const [minutes, rejections, policies] = await Promise.all([
    db().$queryRaw<MinuteRow[]>`
      SELECT m."name" AS "modelName", date_trunc('minute', u."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "minute", ${MINUTE_SUMS}
      FROM "UsageRecord" u JOIN "Model" m ON m."id" = u."modelId"
      WHERE u."accountId" = ${accountId} AND u."createdAt" >= ${since} AND u."createdAt" < ${until} AND NOT u."withdrawn" ${modelFilter}
      GROUP BY 1, 2`,
    db().$queryRaw<RejectionRow[]>`
      SELECT m."name" AS "modelName", date_trunc(${trunc}, r."minute" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "bucket", r."status", SUM(r."count")::bigint AS "count"
      FROM "RejectionCount" r JOIN "Model" m ON m."id" = r."modelId"
      WHERE r."accountId" = ${accountId} AND r."minute" >= ${since} AND r."minute" < ${until} ${modelFilter}
      GROUP BY 1, 2, 3`,
    listPolicies(),
  ]);
  // An idle model's line carries on from its last usage before the range (decaying), else its base.
  const callable = q.model ? [q.model] : policies.filter((p) => p.active).map((p) => p.model);
  return buildUsageSeries({
    since,
    until,
    granularity: q.granularity,
    minutes,
    before: await lastMinutesBefore(accountId, seriesModels({ minutes, rejections, models: callable }), since),
    rejections,
    policies: new Map(policies.map((p) => [p.model, p.policy])),
    models: callable,
  });
}

/** Per model, its last minute with usage before `since` (one index lookup per model). */
async function lastMinutesBefore(accountId: string, models: string[], since: Date): Promise<MinuteRow[]> {
  if (models.length === 0) return [];
  return db().$queryRaw<MinuteRow[]>`
    SELECT m."name" AS "modelName", last."minute", ${MINUTE_SUMS}
    FROM "Model" m
    CROSS JOIN LATERAL (
      SELECT date_trunc('minute', x."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "minute" FROM "UsageRecord" x
      WHERE x."accountId" = ${accountId} AND x."modelId" = m."id" AND x."createdAt" < ${since} AND NOT x."withdrawn"
      ORDER BY x."createdAt" DESC LIMIT 1
    ) last
    JOIN "UsageRecord" u ON u."accountId" = ${accountId} AND u."modelId" = m."id"
      AND u."createdAt" >= last."minute" AND u."createdAt" < last."minute" + interval '1 minute' AND NOT u."withdrawn"
    WHERE m."name" IN (${Prisma.join(models)})
    GROUP BY 1, 2`;
}

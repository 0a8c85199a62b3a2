// GET /api/v1/usage's verb: per model, a gap-free time series of requests, tokens, cost,
// over-limit and rejected counts, and the dynamic limits in force, from the usage records.
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import { usdString } from "../money";
import type { UsageQuery } from "./schemas";

export interface UsagePoint {
  t: string;
  requests: number;
  tokensPrompt: number;
  tokensGenerated: number;
  costUsd: string;
  overLimit: number;
  rejected429: number;
  rejected402: number;
  /** Limits in force (per minute) during the bucket; null when nothing was admitted in it. */
  limitRequests: number | null;
  limitTokensPrompt: number | null;
  limitTokensGenerated: number | null;
}

export interface UsageSeries {
  since: string;
  until: string;
  granularity: "minute" | "hour" | "day";
  bucketMinutes: number;
  series: { model: string; points: UsagePoint[] }[];
}

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

type Row = {
  modelName: string;
  bucket: Date;
  requests: bigint;
  tokensPrompt: bigint;
  tokensGenerated: bigint;
  cost: bigint;
  overLimit: bigint;
  limitRequests: number | null;
  limitTokensPrompt: number | null;
  limitTokensGenerated: number | null;
};
type RejRow = { modelName: string; bucket: Date; status: number; count: bigint };

export async function usageSeries(accountId: string, q: UsageQuery, now = new Date()): Promise<UsageSeries> {
  const step = BUCKET_MS[q.granularity];
  const until = new Date(Math.floor(now.getTime() / step) * step + step);
  const since = new Date(until.getTime() - Math.ceil(q.since / step) * step);
  const modelFilter = q.model ? Prisma.sql`AND m."name" = ${q.model}` : Prisma.empty;
  const trunc = Prisma.raw(`'${q.granularity}'`);
  const [rows, rejections] = await Promise.all([
    db().$queryRaw<Row[]>`
      SELECT m."name" AS "modelName", date_trunc(${trunc}, u."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "bucket",
        SUM(u."n")::bigint AS "requests", SUM(u."promptTokens")::bigint AS "tokensPrompt", SUM(u."completionTokens")::bigint AS "tokensGenerated",
        SUM(u."costMicros")::bigint AS "cost", COUNT(*) FILTER (WHERE u."overLimit")::bigint AS "overLimit",
        MAX(u."limitRequests") AS "limitRequests", MAX(u."limitTokensPrompt") AS "limitTokensPrompt", MAX(u."limitTokensGenerated") AS "limitTokensGenerated"
      FROM "UsageRecord" u JOIN "Model" m ON m."id" = u."modelId"
      WHERE u."accountId" = ${accountId} AND u."createdAt" >= ${since} AND u."createdAt" < ${until} ${modelFilter}
      GROUP BY 1, 2`,
    db().$queryRaw<RejRow[]>`
      SELECT m."name" AS "modelName", date_trunc(${trunc}, r."minute" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "bucket", r."status", SUM(r."count")::bigint AS "count"
      FROM "RejectionCount" r JOIN "Model" m ON m."id" = r."modelId"
      WHERE r."accountId" = ${accountId} AND r."minute" >= ${since} AND r."minute" < ${until} ${modelFilter}
      GROUP BY 1, 2, 3`,
  ]);
  const models = [...new Set([...rows.map((r) => r.modelName), ...rejections.map((r) => r.modelName)])].sort();
  if (q.model && !models.includes(q.model)) models.push(q.model);
  const series = models.map((model) => {
    const byBucket = new Map(rows.filter((r) => r.modelName === model).map((r) => [r.bucket.getTime(), r]));
    const rej = new Map<string, number>();
    for (const r of rejections.filter((x) => x.modelName === model)) rej.set(`${r.bucket.getTime()}|${r.status}`, Number(r.count));
    const points: UsagePoint[] = [];
    for (let t = since.getTime(); t < until.getTime(); t += step) {
      const r = byBucket.get(t);
      points.push({
        t: new Date(t).toISOString(),
        requests: Number(r?.requests ?? 0),
        tokensPrompt: Number(r?.tokensPrompt ?? 0),
        tokensGenerated: Number(r?.tokensGenerated ?? 0),
        costUsd: usdString(r?.cost ?? 0n),
        overLimit: Number(r?.overLimit ?? 0),
        rejected429: rej.get(`${t}|429`) ?? 0,
        rejected402: rej.get(`${t}|402`) ?? 0,
        limitRequests: r?.limitRequests ?? null,
        limitTokensPrompt: r?.limitTokensPrompt ?? null,
        limitTokensGenerated: r?.limitTokensGenerated ?? null,
      });
    }
    return { model, points };
  });
  return { since: since.toISOString(), until: until.toISOString(), granularity: q.granularity, bucketMinutes: step / 60_000, series };
}

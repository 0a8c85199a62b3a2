// GET /api/v1/usage's series from the database's per-minute rows (pure): per model, a gap-free series
// of buckets with requests, tokens, cost, over-limit and rejected counts, and the dynamic limits in
// force — for every bucket, not only those with traffic (limits-in-force.ts).
import type { Policy } from "../limits/policy";
import type { PerDimension } from "../limits/types";
import { usdString } from "../money";
import { limitsInForce, type MinuteActivity } from "./limits-in-force";

export interface UsagePoint {
  t: string;
  requests: number;
  tokensPrompt: number;
  tokensGenerated: number;
  costUsd: string;
  overLimit: number;
  rejected429: number;
  rejected402: number;
  /**
   * The limits (per minute) in force during the bucket — the highest, for a bucket of several minutes:
   * as recorded on its usage records, or, in minutes without traffic, as the model's policy makes them
   * (carried from the last recorded minute with the decay of idle minutes; the base before any). null
   * only for a model without a rate-limit policy (a custom model: the gateway does not serve it).
   */
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

/** One model's usage in one minute, summed over its usage records. */
export interface MinuteRow {
  modelName: string;
  /** Start of the minute. */
  minute: Date;
  requests: bigint;
  tokensPrompt: bigint;
  tokensGenerated: bigint;
  cost: bigint;
  overLimit: bigint;
  /** The highest limits recorded in the minute (0 or null: not recorded). */
  limitRequests: number | null;
  limitTokensPrompt: number | null;
  limitTokensGenerated: number | null;
}

/** Requests answered without serving, per model, bucket and status. */
export interface RejectionRow {
  modelName: string;
  bucket: Date;
  status: number;
  count: bigint;
}

export interface UsageSeriesInput {
  since: Date;
  until: Date;
  granularity: UsageSeries["granularity"];
  /** Minutes with usage in [since, until). */
  minutes: readonly MinuteRow[];
  /** Per model, its last minute with usage before `since`, if any (where its limit line starts from). */
  before: readonly MinuteRow[];
  rejections: readonly RejectionRow[];
  /** Rate-limit policy by model name (catalogue models). */
  policies: ReadonlyMap<string, Policy>;
  /**
   * Models whose series is there even without usage in the range (zero counts under their limit
   * line): those the account may call, or the one `?model=` names. A model with usage is there anyway.
   */
  models: readonly string[];
}

const MINUTE_MS = 60_000;
export const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

const epochMinute = (d: Date) => Math.floor(d.getTime() / MINUTE_MS);

function recordedLimits(r: MinuteRow): PerDimension | null {
  if (!r.limitRequests || r.limitRequests <= 0) return null; // records from before limits were recorded say 0
  return { requests: r.limitRequests, tokensPrompt: r.limitTokensPrompt ?? 0, tokensGenerated: r.limitTokensGenerated ?? 0 };
}

function activityOf(r: MinuteRow): MinuteActivity {
  return {
    minute: epochMinute(r.minute),
    used: { requests: Number(r.requests), tokensPrompt: Number(r.tokensPrompt), tokensGenerated: Number(r.tokensGenerated) },
    recorded: recordedLimits(r),
  };
}

const higher = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** The models with a series, sorted: those with usage or rejections in the range, and those named. */
export function seriesModels(input: Pick<UsageSeriesInput, "minutes" | "rejections" | "models">): string[] {
  return [...new Set([...input.minutes.map((r) => r.modelName), ...input.rejections.map((r) => r.modelName), ...input.models])].sort();
}

export function buildUsageSeries(input: UsageSeriesInput): UsageSeries {
  const step = BUCKET_MS[input.granularity];
  const since = input.since.getTime();
  const until = input.until.getTime();
  const series = seriesModels(input).map((model) => {
    const rows = input.minutes.filter((r) => r.modelName === model);
    const policy = input.policies.get(model);
    const seed = input.before.filter((r) => r.modelName === model);
    const fromMinute = since / MINUTE_MS;
    const perMinute = policy ? limitsInForce(policy, [...seed, ...rows].map(activityOf), fromMinute, until / MINUTE_MS) : null;
    const rej = new Map<string, number>();
    for (const r of input.rejections.filter((x) => x.modelName === model)) rej.set(`${r.bucket.getTime()}|${r.status}`, Number(r.count));

    const points: UsagePoint[] = [];
    for (let t = since; t < until; t += step) points.push(emptyPoint(t, rej));
    const cost = points.map(() => 0n);
    const bucketOf = (ms: number) => Math.floor((ms - since) / step);
    for (const r of rows) {
      const i = bucketOf(r.minute.getTime());
      const p = points[i];
      if (!p) continue;
      p.requests += Number(r.requests);
      p.tokensPrompt += Number(r.tokensPrompt);
      p.tokensGenerated += Number(r.tokensGenerated);
      p.overLimit += Number(r.overLimit);
      cost[i] = cost[i]! + r.cost;
      if (!perMinute) {
        const recorded = recordedLimits(r);
        p.limitRequests = higher(p.limitRequests, recorded?.requests ?? null);
        p.limitTokensPrompt = higher(p.limitTokensPrompt, recorded?.tokensPrompt ?? null);
        p.limitTokensGenerated = higher(p.limitTokensGenerated, recorded?.tokensGenerated ?? null);
      }
    }
    points.forEach((p, i) => (p.costUsd = usdString(cost[i]!)));
    perMinute?.forEach((limits, i) => {
      const p = points[bucketOf(since + i * MINUTE_MS)]!;
      p.limitRequests = higher(p.limitRequests, limits.requests);
      p.limitTokensPrompt = higher(p.limitTokensPrompt, limits.tokensPrompt);
      p.limitTokensGenerated = higher(p.limitTokensGenerated, limits.tokensGenerated);
    });
    return { model, points };
  });
  return {
    since: input.since.toISOString(),
    until: input.until.toISOString(),
    granularity: input.granularity,
    bucketMinutes: step / MINUTE_MS,
    series,
  };
}

function emptyPoint(t: number, rej: ReadonlyMap<string, number>): UsagePoint {
  return {
    t: new Date(t).toISOString(),
    requests: 0,
    tokensPrompt: 0,
    tokensGenerated: 0,
    costUsd: usdString(0n),
    overLimit: 0,
    rejected429: rej.get(`${t}|429`) ?? 0,
    rejected402: rej.get(`${t}|402`) ?? 0,
    limitRequests: null,
    limitTokensPrompt: null,
    limitTokensGenerated: null,
  };
}

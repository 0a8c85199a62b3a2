// Pure transforms from GET /api/v1/usage and /api/v1/rate-limits to chart rows (STYLE rule 10).
// Charts compare usage with a per-minute limit, so coarser buckets are shown as per-minute rates;
// the API gives the limit in force in every bucket (idle ones too, decaying as SPEC §6 says), a
// missing one is carried from the last known, and the bucket in progress takes the live limit (the
// same number as the x-ratelimit-* headers).
import type { UsagePoint, UsageSeries } from "@/lib/usage/usage-series";
import type { RateLimitView } from "@/lib/usage/get-rate-limits";

export type RangeKey = "15m" | "1h" | "24h" | "7d";

export const RANGES: readonly { key: RangeKey; label: string; granularity: UsageSeries["granularity"] }[] = [
  { key: "15m", label: "15 min", granularity: "minute" },
  { key: "1h", label: "1 h", granularity: "minute" },
  { key: "24h", label: "24 h", granularity: "hour" },
  { key: "7d", label: "7 d", granularity: "hour" },
];

export function isRangeKey(v: unknown): v is RangeKey {
  return RANGES.some((r) => r.key === v);
}

/** The usage query of a range (granularity chosen so a chart has 15–168 points). */
export function usagePath(range: RangeKey): string {
  const r = RANGES.find((x) => x.key === range) ?? RANGES[1]!;
  return `/api/v1/usage?since=${r.key}&granularity=${r.granularity}`;
}

export type Dim = "requests" | "tokensPrompt" | "tokensGenerated";

export const DIMS: readonly { key: Dim; label: string; unit: string }[] = [
  { key: "requests", label: "Requests", unit: "RPM" },
  { key: "tokensPrompt", label: "Prompt tokens", unit: "ITPM" },
  { key: "tokensGenerated", label: "Generated tokens", unit: "OTPM" },
];

export interface ChartRow {
  /** Bucket start, epoch ms. */
  t: number;
  /** Per-minute rates over the bucket (over the elapsed part of the bucket in progress). */
  requests: number;
  tokensPrompt: number;
  tokensGenerated: number;
  /** The per-minute limit in force (null before the first known value). */
  limitRequests: number | null;
  limitTokensPrompt: number | null;
  limitTokensGenerated: number | null;
  /** Counts in the bucket (not rates). */
  overLimit: number;
  rejected429: number;
  rejected402: number;
  /** The bucket is still in progress. */
  partial: boolean;
}

const MINUTE = 60_000;
const round2 = (x: number) => Math.round(x * 100) / 100;
const LIMIT_FIELD = { requests: "limitRequests", tokensPrompt: "limitTokensPrompt", tokensGenerated: "limitTokensGenerated" } as const;

/** Minutes a bucket's counts are spread over: the whole bucket, or the elapsed part (≥ 1) of the current one. */
export function minutesCovered(bucketStart: number, bucketMinutes: number, now: number): number {
  const end = bucketStart + bucketMinutes * MINUTE;
  if (now >= end) return bucketMinutes;
  return Math.max(1, Math.min(bucketMinutes, Math.ceil((now - bucketStart) / MINUTE)));
}

export function toChartRows(
  points: readonly UsagePoint[],
  opts: { bucketMinutes: number; now: number; live?: RateLimitView["limits"] | null },
): ChartRow[] {
  const last: Record<Dim, number | null> = { requests: null, tokensPrompt: null, tokensGenerated: null };
  return points.map((p) => {
    const t = Date.parse(p.t);
    const span = opts.bucketMinutes * MINUTE;
    const partial = opts.now < t + span;
    const current = partial && opts.now >= t;
    const minutes = minutesCovered(t, opts.bucketMinutes, opts.now);
    const limits = {} as Record<Dim, number | null>;
    for (const d of ["requests", "tokensPrompt", "tokensGenerated"] as const) {
      const recorded = p[LIMIT_FIELD[d]];
      if (recorded !== null) last[d] = recorded;
      let value = last[d];
      // The bucket in progress: the limit in force now (a coarser bucket keeps the highest it saw).
      if (current && opts.live) value = recorded !== null ? Math.max(recorded, opts.live[d]) : opts.live[d];
      limits[d] = value;
    }
    return {
      t,
      requests: round2(p.requests / minutes),
      tokensPrompt: round2(p.tokensPrompt / minutes),
      tokensGenerated: round2(p.tokensGenerated / minutes),
      limitRequests: limits.requests,
      limitTokensPrompt: limits.tokensPrompt,
      limitTokensGenerated: limits.tokensGenerated,
      overLimit: p.overLimit,
      rejected429: p.rejected429,
      rejected402: p.rejected402,
      partial,
    };
  });
}

/**
 * Rows for stepped lines: each bucket's value drawn flat across the bucket, so the last bucket needs
 * a closing point at the end of the range (a copy of the last row at `untilMs`).
 */
export function withClosingEdge(rows: readonly ChartRow[], untilMs: number): ChartRow[] {
  const last = rows[rows.length - 1];
  if (!last || last.t >= untilMs) return [...rows];
  return [...rows, { ...last, t: untilMs }];
}

export interface SeriesTotals {
  requests: number;
  overLimit: number;
  rejected429: number;
  rejected402: number;
}

/** Totals over the range, from the API's raw counts (not the per-minute rates). */
export function totals(points: readonly UsagePoint[]): SeriesTotals {
  return points.reduce(
    (s, p) => ({
      requests: s.requests + p.requests,
      overLimit: s.overLimit + p.overLimit,
      rejected429: s.rejected429 + p.rejected429,
      rejected402: s.rejected402 + p.rejected402,
    }),
    { requests: 0, overLimit: 0, rejected429: 0, rejected402: 0 },
  );
}

/** First and latest known limit of a dimension in the rows (what the chart's limit line starts and ends at). */
export function limitSpan(
  rows: readonly ChartRow[],
  dim: Dim,
): { first: number | null; last: number | null; min: number | null; max: number | null } {
  const values = rows.map((r) => r[LIMIT_FIELD[dim]]).filter((v): v is number => v !== null);
  return {
    first: values[0] ?? null,
    last: values[values.length - 1] ?? null,
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
  };
}

/** Models to offer: every served model (from the rate limits) plus any with usage in the range. */
export function modelNames(
  usage: Pick<UsageSeries, "series"> | undefined,
  rateLimits: readonly Pick<RateLimitView, "model">[] | undefined,
): string[] {
  const names = new Set<string>();
  for (const r of rateLimits ?? []) names.add(r.model);
  for (const s of usage?.series ?? []) names.add(s.model);
  return [...names].sort();
}

/** The model to show first: the busiest in the range, else the first one. */
export function defaultModel(usage: Pick<UsageSeries, "series"> | undefined, names: readonly string[]): string | null {
  let best: { model: string; requests: number } | null = null;
  for (const s of usage?.series ?? []) {
    const requests = s.points.reduce((n, p) => n + p.requests + p.rejected429, 0);
    if (requests > 0 && (!best || requests > best.requests)) best = { model: s.model, requests };
  }
  return best?.model ?? names[0] ?? null;
}

/** An empty series for a model with no usage in the range (same buckets as the others). */
export function emptyPoints(usage: Pick<UsageSeries, "since" | "until" | "bucketMinutes">): UsagePoint[] {
  const points: UsagePoint[] = [];
  const step = usage.bucketMinutes * MINUTE;
  for (let t = Date.parse(usage.since); t < Date.parse(usage.until); t += step) {
    points.push({
      t: new Date(t).toISOString(),
      requests: 0,
      tokensPrompt: 0,
      tokensGenerated: 0,
      costUsd: "0.00",
      overLimit: 0,
      rejected429: 0,
      rejected402: 0,
      limitRequests: null,
      limitTokensPrompt: null,
      limitTokensGenerated: null,
    });
  }
  return points;
}

/** Axis tick: "14:05" within a day, "Mon 14:00" across days. */
export function formatTick(t: number, spanMinutes: number, timeZone?: string): string {
  const time = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(t);
  if (spanMinutes <= 24 * 60) return time;
  const day = new Intl.DateTimeFormat("en-GB", { weekday: "short", timeZone }).format(t);
  return `${day} ${time}`;
}

/** 950 → "950", 1234 → "1.2k", 2_500_000 → "2.5M" (axis labels). */
export function compact(n: number): string {
  const abs = Math.abs(n);
  const fmt = (x: number, suffix: string) => `${Number.isInteger(x) ? x : x.toFixed(1).replace(/\.0$/, "")}${suffix}`;
  if (abs >= 1_000_000) return fmt(Math.round(n / 100_000) / 10, "M");
  if (abs >= 1_000) return fmt(Math.round(n / 100) / 10, "k");
  return fmt(Math.round(n * 10) / 10, "");
}

/** Share of a bucket left, 0–100, for the headroom table. */
export function remainingPercent(remaining: number, limit: number): number {
  if (limit <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((remaining / limit) * 100)));
}

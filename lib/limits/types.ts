// Shapes shared by the pure core, the stores and their callers.

export const DIMENSIONS = ["requests", "tokensPrompt", "tokensGenerated"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** One number per dimension: a cost, a per-minute limit, a remaining amount, a bucket level. */
export interface PerDimension {
  requests: number;
  tokensPrompt: number;
  tokensGenerated: number;
}

/** What a request costs: n completions, its prompt tokens, and n × max_tokens generated tokens reserved. */
export type Cost = PerDimension;

/**
 * A key's whole limiter state: three buckets and the growth bookkeeping. Plain integers only, so
 * the Redis script holds exactly the same numbers (see README: bucket representation).
 */
export interface LimiterState {
  /** Epoch minute (floor(ms / 60000)) whose usage `used` counts. */
  minute: number;
  /** Time (epoch ms) the buckets were last refilled to. Never moves backwards. */
  refilledAt: number;
  /** Sustained minutes × 1000. */
  sustainedMilli: number;
  /** Bucket levels in 1/60000 token: refill is exactly L units per millisecond. May be negative (debt). */
  levels: PerDimension;
  /** Admitted usage in the current minute, in whole requests / tokens (drives growth). */
  used: PerDimension;
  /** The model ran above the growth gate during an admission this minute: this minute cannot grow the limit. */
  growthBlocked: boolean;
}

export type Decision =
  | { outcome: "admit" }
  /** Admitted, but some bucket ends below zero: serve at lower priority, `x-ratelimit-over-limit: yes`. */
  | { outcome: "admit_over_limit" }
  /** 429: admitting would push a bucket below −(h−1)·L. Nothing was consumed. */
  | { outcome: "reject"; retryAfterSeconds: number }
  /**
   * 429 that retrying does not cure: the request alone costs more than h·L in `dimension`, so no
   * amount of waiting admits it at the current limit (e.g. n × max_tokens above what OTPM allows).
   * Answered with `x-should-retry: false` (and, as every 429, a retry-after).
   */
  | { outcome: "too_large"; dimension: Dimension; maxCost: number };

export type Outcome = Decision["outcome"];

/** What the API shows about a key's limits: GET /api/v1/rate-limits and the x-ratelimit-* headers. */
export interface LimitView {
  /** Per-minute limits in force (RPM, ITPM, OTPM). */
  limits: PerDimension;
  /** Whole units left in each bucket, floored at 0. */
  remaining: PerDimension;
  /** Some bucket is below zero (for an admission: this request is over the limit). */
  overLimit: boolean;
  /** Sustained minutes accrued (fractional while decaying). */
  sustainedMinutes: number;
}

export interface Admission extends LimitView {
  decision: Decision;
  /**
   * Set by the Redis store when it admitted the request on its per-instance fallback (Redis was
   * unreachable): the reservation lives in this process, and its settle must go there too.
   */
  local?: true;
}

// The usage series' limit line (lib/usage/build-usage-series.ts, limits-in-force.ts): every bucket has
// the limit in force, minutes without traffic included — what the limiter itself had then. The truth
// is the limiter's pure core (admit/advance) driven by the same traffic; the series only sees the
// usage records that traffic left (the minutes with admitted requests and the limits recorded on them).
import { describe, expect, it } from "vitest";
import { admit, advance, costOf, DEFAULT_POLICY, freshState, viewOf, type PerDimension, type Policy } from "@/lib/limits";
import { buildUsageSeries, type MinuteRow, type UsageSeriesInput } from "@/lib/usage/build-usage-series";
import { limitsInForce, sustainedRange } from "@/lib/usage/limits-in-force";

const MODEL = "hr-test";
const M0 = Date.parse("2031-03-10T12:00:00.000Z") / 60_000; // an epoch minute (and hour) boundary
const at = (minute: number) => new Date((M0 + minute) * 60_000);

interface Truth {
  limits: PerDimension[];
  rows: MinuteRow[];
}

/**
 * Drives the limiter's pure core for `minutes` minutes, `traffic(i, limit)` requests in minute i (given
 * the RPM limit then in force); the records that leaves, and the limits it had.
 */
function replay(policy: Policy, minutes: number, traffic: (minute: number, limit: number) => number, promptTokens = 100): Truth {
  const cost = costOf({ n: 1, promptTokens, maxTokens: 0 }, policy);
  let state = freshState(policy, M0 * 60_000);
  const limits: PerDimension[] = [];
  const rows: MinuteRow[] = [];
  for (let i = 0; i < minutes; i++) {
    const start = (M0 + i) * 60_000;
    state = advance(policy, state, start);
    const inForce = viewOf(policy, state).limits;
    limits.push(inForce);
    const count = traffic(i, inForce.requests);
    let admitted = 0;
    for (let k = 0; k < count; k++) {
      const r = admit(policy, state, cost, start + Math.floor((k * 60_000) / count), 0);
      state = r.state;
      if (r.admission.decision.outcome === "admit" || r.admission.decision.outcome === "admit_over_limit") admitted += 1;
    }
    if (admitted > 0) rows.push(row(i, admitted, admitted * promptTokens, inForce));
  }
  return { limits, rows };
}

function row(minute: number, requests: number, tokensPrompt: number, limits: PerDimension | null): MinuteRow {
  return {
    modelName: MODEL,
    minute: at(minute),
    requests: BigInt(requests),
    tokensPrompt: BigInt(tokensPrompt),
    tokensGenerated: 0n,
    cost: BigInt(requests) * 10n,
    overLimit: 0n,
    limitRequests: limits?.requests ?? null,
    limitTokensPrompt: limits?.tokensPrompt ?? null,
    limitTokensGenerated: limits?.tokensGenerated ?? null,
  };
}

function series(input: Partial<UsageSeriesInput> & { from: number; to: number }) {
  const built = buildUsageSeries({
    since: at(input.from),
    until: at(input.to),
    granularity: input.granularity ?? "minute",
    minutes: input.minutes ?? [],
    before: input.before ?? [],
    rejections: input.rejections ?? [],
    policies: input.policies ?? new Map([[MODEL, DEFAULT_POLICY]]),
    models: input.models ?? [MODEL],
  });
  return built.series.find((s) => s.model === MODEL)!.points;
}

const limitOf = (p: { limitRequests: number | null; limitTokensPrompt: number | null; limitTokensGenerated: number | null }) => ({
  requests: p.limitRequests,
  tokensPrompt: p.limitTokensPrompt,
  tokensGenerated: p.limitTokensGenerated,
});

// Traffic at the limit for 40 minutes (the limit grows), idle for 50 (it decays), a trickle below the
// idle threshold (it keeps decaying), half the limit — between the thresholds — for 10 (it holds),
// then idle again.
function pattern(minute: number, limit: number): number {
  if (minute < 40) return limit;
  if (minute < 90) return 0;
  if (minute < 100) return 3;
  if (minute < 110) return Math.ceil(limit * 0.5);
  return 0;
}

describe("the limit in force in every minute, idle ones included", () => {
  it.each([
    ["default", DEFAULT_POLICY],
    ["fast decay, small base", { ...DEFAULT_POLICY, baseRpm: 5, growthRpmPerMinute: 7, decayHalfLifeMinutes: 5, capRpm: 200 }],
    ["no decay", { ...DEFAULT_POLICY, idleThresholdPct: 0 }],
  ] as const)("is the limiter's own, minute by minute (%s policy)", (_name, policy) => {
    const truth = replay(policy, 140, pattern);
    const points = series({ from: 0, to: 140, minutes: truth.rows, policies: new Map([[MODEL, policy]]) });
    expect(points).toHaveLength(truth.limits.length);
    expect(points.map(limitOf)).toEqual(truth.limits);
    // The line is continuous: no minute without a limit, and the idle stretch after the growth decays.
    const idle = points.slice(40, 90).map((p) => p.limitRequests!);
    expect(idle.every((v, i) => i === 0 || v <= idle[i - 1]!)).toBe(true);
    if (policy.idleThresholdPct > 0) expect(idle[idle.length - 1]).toBeLessThan(idle[0]!);
    else expect(new Set(idle).size).toBe(1);
    // Half the limit holds it.
    expect(new Set(points.slice(101, 111).map((p) => p.limitRequests)).size).toBe(1);
  });

  it("before any usage it is the base: a fresh key", () => {
    const points = series({
      from: 0,
      to: 15,
      minutes: [],
      rejections: [{ modelName: MODEL, bucket: at(3), status: 429, count: 2n }],
    });
    expect(points.map((p) => p.limitRequests)).toEqual(Array<number>(15).fill(60));
    expect(points[0]).toMatchObject({ limitTokensPrompt: 60_000, limitTokensGenerated: 6_000 });
    expect(points[3]!.rejected429).toBe(2);
  });

  it("a range that starts while idle continues from the last usage before it", () => {
    const truth = replay(DEFAULT_POLICY, 140, pattern);
    // From minute 60: the last usage before it was minute 39's.
    const before = truth.rows.filter((r) => r.minute < at(60)).slice(-1);
    const points = series({ from: 60, to: 140, minutes: truth.rows.filter((r) => r.minute >= at(60)), before });
    const want = truth.limits.slice(60, 140).map((l) => l.requests);
    const got = points.map((p) => p.limitRequests!);
    // Without the history before that minute the growth state is known to within one growth step.
    got.forEach((v, i) => expect(Math.abs(v - want[i]!), `minute ${60 + i}`).toBeLessThanOrEqual(DEFAULT_POLICY.growthRpmPerMinute));
    expect(got[0]).toBeGreaterThan(DEFAULT_POLICY.baseRpm);
    // Minutes with records show what was recorded.
    for (const r of truth.rows.filter((x) => x.minute >= at(60)))
      expect(got[Number(BigInt(r.minute.getTime() / 60_000) - BigInt(M0)) - 60]).toBe(r.limitRequests);
  });

  it("hourly buckets show the highest limit in force during each hour, from the first minute of an idle one", () => {
    const truth = replay(DEFAULT_POLICY, 240, pattern);
    const points = series({ from: 0, to: 240, granularity: "hour", minutes: truth.rows });
    expect(points).toHaveLength(4);
    for (let h = 0; h < 4; h++) {
      const hour = truth.limits.slice(h * 60, h * 60 + 60);
      expect(points[h]!.limitRequests, `hour ${h}`).toBe(Math.max(...hour.map((l) => l.requests)));
      const sent = truth.rows.filter((r) => r.minute >= at(h * 60) && r.minute < at(h * 60 + 60));
      expect(points[h]!.requests).toBe(sent.reduce((n, r) => n + Number(r.requests), 0));
    }
  });

  it("a model without a rate-limit policy (a custom model) has no limit line", () => {
    const points = series({ from: 0, to: 5, policies: new Map(), minutes: [row(2, 1, 10, null)] });
    expect(points.map((p) => p.limitRequests)).toEqual([null, null, null, null, null]);
    expect(points[2]!.requests).toBe(1);
  });

  it("counts and cost are summed per bucket, and every bucket is there", () => {
    const points = series({
      from: 0,
      to: 120,
      granularity: "hour",
      minutes: [row(1, 2, 20, null), row(59, 3, 30, null), row(60, 1, 5, null)],
    });
    expect(points.map((p) => [p.requests, p.tokensPrompt, p.costUsd])).toEqual([
      [5, 50, "0.000050"],
      [1, 5, "0.000010"],
    ]);
    // Records from before limits were recorded (0) do not pin the line: it stays the policy's.
    expect(points.map((p) => p.limitRequests)).toEqual([60, 60]);
  });
});

describe("models without usage in the range", () => {
  const IDLE = "hr-idle";
  const GROWN = "hr-grown";
  const policies = new Map([
    [MODEL, DEFAULT_POLICY],
    [IDLE, { ...DEFAULT_POLICY, baseRpm: 30 }],
    [GROWN, DEFAULT_POLICY],
  ]);
  const grown = { requests: 720, tokensPrompt: 720_000, tokensGenerated: 72_000 };
  const build = (models: string[]) =>
    buildUsageSeries({
      since: at(0),
      until: at(15),
      granularity: "minute",
      minutes: [row(5, 2, 20, { requests: 60, tokensPrompt: 60_000, tokensGenerated: 6_000 })],
      // GROWN was last used 30 minutes before the range, at 720 RPM.
      before: [{ ...row(-30, 700, 7_000, grown), modelName: GROWN }],
      rejections: [],
      policies,
      models,
    });

  it("every model named has a series: zero usage and its limit line", () => {
    const built = build([GROWN, IDLE, MODEL]);
    expect(built.series.map((s) => s.model)).toEqual([GROWN, IDLE, MODEL]);
    const idle = built.series.find((s) => s.model === IDLE)!.points;
    expect(idle).toHaveLength(15);
    for (const p of idle) {
      expect(p).toMatchObject({ requests: 0, tokensPrompt: 0, tokensGenerated: 0, costUsd: "0.00", overLimit: 0 });
      // Never used: a fresh key's limits, the policy's base.
      expect(limitOf(p)).toEqual({ requests: 30, tokensPrompt: 30_000, tokensGenerated: 3_000 });
    }
  });

  it("a model idle through the range carries on decaying from its last usage before it", () => {
    const points = build([GROWN, MODEL]).series.find((s) => s.model === GROWN)!.points;
    const want = limitsInForce(
      DEFAULT_POLICY,
      [{ minute: M0 - 30, used: { requests: 700, tokensPrompt: 7_000, tokensGenerated: 0 }, recorded: grown }],
      M0,
      M0 + 15,
    );
    expect(points.map(limitOf)).toEqual(want);
    expect(points.every((p) => p.requests === 0)).toBe(true);
    const rpm = points.map((p) => p.limitRequests!);
    expect(rpm[0]).toBeLessThan(720);
    expect(rpm[14]).toBeGreaterThan(DEFAULT_POLICY.baseRpm);
    expect(rpm.every((v, i) => i === 0 || v <= rpm[i - 1]!)).toBe(true);
  });

  it("a model with usage is there whether named or not; one neither used nor named is not", () => {
    expect(build([]).series.map((s) => s.model)).toEqual([MODEL]);
    expect(build([IDLE]).series.map((s) => s.model)).toEqual([IDLE, MODEL]);
  });
});

describe("sustainedRange: the growth states a recorded limit allows", () => {
  it.each([
    [60, [0, 5_083]],
    [120, [10_000, 10_083]],
    [125, [10_417, 10_499]],
    [2000, [166_667, 167_000]],
  ] as const)("%i RPM under the default policy", (rpm, range) => {
    expect(sustainedRange(DEFAULT_POLICY, rpm)).toEqual(range);
  });

  it("limitsInForce pins the state to each recorded minute", () => {
    const recorded = { requests: 720, tokensPrompt: 720_000, tokensGenerated: 72_000 };
    const [first, second] = limitsInForce(
      DEFAULT_POLICY,
      [{ minute: 0, used: { requests: 0, tokensPrompt: 0, tokensGenerated: 0 }, recorded }],
      0,
      2,
    );
    expect(first).toEqual(recorded);
    // An idle minute decays 60 sustained minutes by 2^(−1/60): 59.31 → 711 RPM.
    expect(second!.requests).toBe(711);
  });
});

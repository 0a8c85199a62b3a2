// Chart transforms of the usage page (components/usage/transform.ts): pure, so tested without a browser.
import { describe, expect, it } from "vitest";
import type { UsagePoint } from "@/lib/usage/usage-series";
import {
  compact,
  defaultModel,
  emptyPoints,
  formatTick,
  limitSpan,
  minutesCovered,
  modelNames,
  remainingPercent,
  toChartRows,
  totals,
  usagePath,
  withClosingEdge,
} from "@/components/usage/transform";

const T0 = Date.parse("2026-03-10T12:00:00.000Z");
const MIN = 60_000;

function point(minute: number, over: Partial<UsagePoint> = {}, bucketMinutes = 1): UsagePoint {
  return {
    t: new Date(T0 + minute * bucketMinutes * MIN).toISOString(),
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
    ...over,
  };
}

const limits = (rpm: number) => ({ limitRequests: rpm, limitTokensPrompt: rpm * 1000, limitTokensGenerated: rpm * 100 });

describe("toChartRows", () => {
  it("keeps minute buckets as they are (already per minute)", () => {
    const rows = toChartRows([point(0, { requests: 6, tokensPrompt: 60, tokensGenerated: 30, ...limits(6) })], {
      bucketMinutes: 1,
      now: T0 + 5 * MIN,
    });
    expect(rows[0]).toMatchObject({
      t: T0,
      requests: 6,
      tokensPrompt: 60,
      tokensGenerated: 30,
      limitRequests: 6,
      limitTokensPrompt: 6000,
      partial: false,
    });
  });

  it("turns coarser buckets into per-minute rates so they compare with the per-minute limit", () => {
    const rows = toChartRows([point(0, { requests: 3600, tokensPrompt: 120, tokensGenerated: 7, ...limits(60) }, 60)], {
      bucketMinutes: 60,
      now: T0 + 2 * 3_600_000,
    });
    expect(rows[0]!.requests).toBe(60);
    expect(rows[0]!.tokensPrompt).toBe(2);
    expect(rows[0]!.tokensGenerated).toBe(0.12); // 7/60 rounded to 2 places
    expect(rows[0]!.limitRequests).toBe(60);
  });

  it("spreads the bucket in progress over its elapsed minutes only", () => {
    // 10.5 minutes into an hour bucket: 11 started minutes.
    const rows = toChartRows([point(0, { requests: 110 }, 60)], { bucketMinutes: 60, now: T0 + 10.5 * MIN });
    expect(rows[0]!.requests).toBe(10);
    expect(rows[0]!.partial).toBe(true);
    expect(minutesCovered(T0, 60, T0)).toBe(1); // never divides by zero
    expect(minutesCovered(T0, 60, T0 + 3 * 3_600_000)).toBe(60);
    expect(minutesCovered(T0, 1, T0 + 30_000)).toBe(1);
  });

  it("carries the last known limit across empty buckets and leaves none before the first", () => {
    const points = [
      point(0),
      point(1, { requests: 6, ...limits(6) }),
      point(2),
      point(3),
      point(4, { requests: 12, ...limits(12) }),
      point(5),
    ];
    const rows = toChartRows(points, { bucketMinutes: 1, now: T0 + 60 * MIN });
    expect(rows.map((r) => r.limitRequests)).toEqual([null, 6, 6, 6, 12, 12]);
    expect(rows.map((r) => r.limitTokensGenerated)).toEqual([null, 600, 600, 600, 1200, 1200]);
    expect(rows.map((r) => r.requests)).toEqual([0, 6, 0, 0, 12, 0]);
  });

  it("gives the bucket in progress the live limit (the x-ratelimit-* number), even with no traffic yet", () => {
    const points = [point(0, { requests: 6, ...limits(6) }), point(1), point(2)];
    const live = { requests: 18, tokensPrompt: 18_000, tokensGenerated: 1_800 };
    const rows = toChartRows(points, { bucketMinutes: 1, now: T0 + 2 * MIN + 10_000, live });
    expect(rows.map((r) => r.limitRequests)).toEqual([6, 6, 18]);
    expect(rows[2]!.partial).toBe(true);
    expect(rows[1]!.partial).toBe(false);
  });

  it("keeps the higher of the recorded and the live limit in a coarse bucket in progress", () => {
    const rows = toChartRows([point(0, { requests: 60, ...limits(120) }, 60)], {
      bucketMinutes: 60,
      now: T0 + 30 * MIN,
      live: { requests: 60, tokensPrompt: 60_000, tokensGenerated: 6_000 },
    });
    expect(rows[0]!.limitRequests).toBe(120);
  });

  it("passes over-limit and rejection counts through per bucket, not as rates", () => {
    const rows = toChartRows([point(0, { requests: 120, overLimit: 30, rejected429: 7, rejected402: 2 }, 60)], {
      bucketMinutes: 60,
      now: T0 + 2 * 3_600_000,
    });
    expect(rows[0]).toMatchObject({ overLimit: 30, rejected429: 7, rejected402: 2, requests: 2 });
  });

  it("is pure: the same input gives the same rows and the input is not changed", () => {
    const points = [point(0, { requests: 1, ...limits(6) }), point(1)];
    const copy = structuredClone(points);
    const a = toChartRows(points, { bucketMinutes: 1, now: T0 + 5 * MIN });
    const b = toChartRows(points, { bucketMinutes: 1, now: T0 + 5 * MIN });
    expect(a).toEqual(b);
    expect(points).toEqual(copy);
  });
});

describe("summaries", () => {
  it("totals raw counts over the range", () => {
    expect(totals([point(0, { requests: 5, overLimit: 1, rejected429: 2 }), point(1, { requests: 7, rejected402: 3 })])).toEqual({
      requests: 12,
      overLimit: 1,
      rejected429: 2,
      rejected402: 3,
    });
  });

  it("reports where the limit line starts and ends", () => {
    const rows = toChartRows([point(0), point(1, limits(6)), point(2, limits(12)), point(3)], { bucketMinutes: 1, now: T0 + 10 * MIN });
    expect(limitSpan(rows, "requests")).toEqual({ first: 6, last: 12, min: 6, max: 12 });
    expect(limitSpan([], "requests")).toEqual({ first: null, last: null, min: null, max: null });
  });

  it("offers every served model plus any with usage, and shows the busiest first", () => {
    const usage = {
      series: [
        { model: "b", points: [point(0, { requests: 3 })] },
        { model: "z-retired", points: [point(0, { requests: 9 })] },
      ],
    };
    const names = modelNames(usage, [{ model: "a" }, { model: "b" }]);
    expect(names).toEqual(["a", "b", "z-retired"]);
    expect(defaultModel(usage, names)).toBe("z-retired");
    expect(defaultModel({ series: [] }, names)).toBe("a");
    expect(defaultModel(undefined, [])).toBeNull();
  });

  it("builds empty buckets for a model without usage", () => {
    const pts = emptyPoints({ since: new Date(T0).toISOString(), until: new Date(T0 + 3 * MIN).toISOString(), bucketMinutes: 1 });
    expect(pts.map((p) => p.t)).toEqual([0, 1, 2].map((m) => new Date(T0 + m * MIN).toISOString()));
    expect(pts.every((p) => p.requests === 0 && p.limitRequests === null)).toBe(true);
  });
});

describe("stepped lines", () => {
  it("close the last bucket at the end of the range so it is drawn as wide as the others", () => {
    const rows = toChartRows([point(0, { requests: 3, ...limits(6) }), point(1, { requests: 5, ...limits(12) })], {
      bucketMinutes: 1,
      now: T0 + 90_000,
    });
    const stepped = withClosingEdge(rows, T0 + 2 * MIN);
    expect(stepped).toHaveLength(3);
    expect(stepped[2]).toEqual({ ...rows[1], t: T0 + 2 * MIN });
    expect(withClosingEdge([], T0)).toEqual([]);
    expect(withClosingEdge(rows, T0 + MIN)).toEqual(rows);
  });
});

describe("formatting", () => {
  it("labels ticks with the time within a day and the weekday across days", () => {
    expect(formatTick(T0 + 5 * MIN, 60, "UTC")).toBe("12:05");
    expect(formatTick(T0, 7 * 24 * 60, "UTC")).toBe("Tue 12:00");
  });

  it("compacts axis numbers", () => {
    expect([0, 6, 12.5, 950, 1_000, 1_234, 120_000, 2_500_000].map(compact)).toEqual([
      "0",
      "6",
      "12.5",
      "950",
      "1k",
      "1.2k",
      "120k",
      "2.5M",
    ]);
  });

  it("computes the share of a bucket left", () => {
    expect(remainingPercent(30, 60)).toBe(50);
    expect(remainingPercent(0, 0)).toBe(0);
    expect(remainingPercent(90, 60)).toBe(100);
  });

  it("asks the API for a granularity that fits the range", () => {
    expect(usagePath("15m")).toBe("/api/v1/usage?since=15m&granularity=minute");
    expect(usagePath("24h")).toBe("/api/v1/usage?since=24h&granularity=hour");
    expect(usagePath("7d")).toBe("/api/v1/usage?since=7d&granularity=hour");
  });
});

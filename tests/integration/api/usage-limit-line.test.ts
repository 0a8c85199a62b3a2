// GET /api/v1/usage gives the limit in force in every bucket, minutes without requests included (the
// console's charts draw it as one continuous line): the model's base before any usage, what the usage
// records say in minutes with traffic, and after them the policy's decay of idle minutes (SPEC §6) —
// also when the range starts after the last usage. Every model the account may call has a series,
// used in the range or not.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture, usageChargeFixture } from "../../helpers/fixtures";
import { callRoute } from "../../helpers/routes";
import { chargeUsageBatch } from "@/lib/billing/charge-usage-batch";
import * as usageRoute from "@/app/api/v1/usage/route";

setupTestDatabase();

type Point = {
  t: string;
  requests: number;
  limitRequests: number | null;
  limitTokensPrompt: number | null;
  limitTokensGenerated: number | null;
};

let acct: Awaited<ReturnType<typeof createAccountFixture>>;
let model: { id: string; name: string };
let active: number; // the minute (ms) with usage

beforeAll(async () => {
  acct = await createAccountFixture({ tier: "tier1", creditsMicros: 1_000_000n });
  model = await createModelFixture({ baseRpm: 60, capRpm: 2000, growthRpmPerMinute: 12 });
  // Two requests 8 minutes ago, admitted under a limit that had grown to 120 RPM.
  active = Math.floor(Date.now() / 60_000) * 60_000 - 8 * 60_000;
  await chargeUsageBatch(
    ["a", "b"].map((k, i) =>
      usageChargeFixture(`req_limitline_${k}_${Date.now()}`, acct.accountId, model, {
        at: new Date(active + 1_000 + i * 1_000),
        limits: { requests: 120, tokensPrompt: 120_000, tokensGenerated: 12_000 },
      }),
    ),
  );
});

async function points(query: string): Promise<Point[]> {
  const res = await callRoute(usageRoute.GET, { apiKey: acct.apiKey, path: `/api/v1/usage?${query}&model=${model.name}` });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.series[0].points;
}

describe("the limit line of GET /api/v1/usage", () => {
  it("has a limit in every minute: base before any usage, the recorded one, then decaying while idle", async () => {
    const all = await points("since=15m&granularity=minute");
    expect(all.length).toBeGreaterThanOrEqual(15);
    for (const p of all) {
      expect(p.limitRequests, p.t).not.toBeNull();
      expect(p.limitTokensPrompt, p.t).toBe(p.limitRequests! * 1000);
      expect(p.limitTokensGenerated, p.t).toBe(p.limitRequests! * 100);
    }
    const i = all.findIndex((p) => Date.parse(p.t) === active);
    expect(all[i]).toMatchObject({ requests: 2, limitRequests: 120 });
    expect(all.slice(0, i).every((p) => p.limitRequests === 60)).toBe(true);
    // Two requests are under 30 % of 120: an idle minute, like those after it. 10 sustained minutes
    // decay by 2^(−1/60) a minute: 9.885 → 118 RPM, then on down (never below the base).
    const after = all.slice(i + 1).map((p) => p.limitRequests!);
    expect(after[0]).toBe(118);
    expect(after.every((v, k) => v > 60 && v < 120 && (k === 0 || v <= after[k - 1]!))).toBe(true);
  });

  it("a range that starts after the last usage continues its line (not the base, not a gap)", async () => {
    const all = await points("since=15m&granularity=minute");
    const later = await points("since=5m&granularity=minute");
    expect(Date.parse(later[0]!.t)).toBeGreaterThan(active);
    for (const p of later) {
      const same = all.find((x) => x.t === p.t);
      if (same) expect(p.limitRequests, p.t).toBe(same.limitRequests);
      expect(p.limitRequests!, p.t).toBeGreaterThan(60);
    }
  });

  it("an hourly bucket has the highest limit in force during it", async () => {
    const hours = await points("since=2h&granularity=hour");
    expect(hours.every((p) => p.limitRequests !== null)).toBe(true);
    const withUsage = hours.find((p) => p.requests > 0)!;
    expect(withUsage.limitRequests).toBe(120);
  });
});

describe("models without usage in the range", () => {
  let idle: { id: string; name: string };
  let grown: { id: string; name: string };
  let retired: { id: string; name: string };
  beforeAll(async () => {
    idle = await createModelFixture({ baseRpm: 40, capRpm: 2000, growthRpmPerMinute: 12 });
    grown = await createModelFixture({ baseRpm: 60, capRpm: 2000, growthRpmPerMinute: 12 });
    retired = await createModelFixture({ baseRpm: 60 });
    await db().model.update({ where: { id: retired.id }, data: { active: false } });
    // Used 40 minutes ago under a limit grown to 720 RPM, idle since.
    const then = Math.floor(Date.now() / 60_000) * 60_000 - 40 * 60_000;
    await chargeUsageBatch([
      usageChargeFixture(`req_limitline_grown_${Date.now()}`, acct.accountId, grown, {
        at: new Date(then + 1_000),
        limits: { requests: 720, tokensPrompt: 720_000, tokensGenerated: 72_000 },
      }),
    ]);
  });

  async function allSeries(): Promise<Map<string, Point[]>> {
    const res = await callRoute(usageRoute.GET, { apiKey: acct.apiKey, path: "/api/v1/usage?since=15m&granularity=minute" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return new Map(res.body.series.map((s: { model: string; points: Point[] }) => [s.model, s.points]));
  }

  it("a model never used has a series of zeros under its base limit", async () => {
    const points = (await allSeries()).get(idle.name);
    expect(points, "the idle model's series").toBeDefined();
    expect(points!.length).toBeGreaterThanOrEqual(15);
    for (const p of points!) {
      expect(p.requests).toBe(0);
      expect([p.limitRequests, p.limitTokensPrompt, p.limitTokensGenerated], p.t).toEqual([40, 40_000, 4_000]);
    }
  });

  it("a model last used before the range shows its limit decaying from what it had grown to", async () => {
    const points = (await allSeries()).get(grown.name);
    expect(points, "the grown model's series").toBeDefined();
    const rpm = points!.map((p) => p.limitRequests!);
    expect(points!.every((p) => p.requests === 0)).toBe(true);
    expect(rpm[0]).toBeLessThan(720);
    expect(rpm[rpm.length - 1]).toBeGreaterThan(60);
    expect(rpm.every((v, k) => k === 0 || v <= rpm[k - 1]!)).toBe(true);
  });

  it("every model the account may call is there, the one with usage too; a retired one without usage is not", async () => {
    const series = await allSeries();
    const callable = await db().model.findMany({ where: { active: true }, select: { name: true } });
    expect([...series.keys()].sort()).toEqual(callable.map((m) => m.name).sort());
    expect(series.has(model.name)).toBe(true);
    expect(series.has(retired.name)).toBe(false);
  });

  it("?model= is that model's series alone", async () => {
    const res = await callRoute(usageRoute.GET, { apiKey: acct.apiKey, path: `/api/v1/usage?since=15m&model=${idle.name}` });
    expect(res.body.series.map((s: { model: string }) => s.model)).toEqual([idle.name]);
  });
});

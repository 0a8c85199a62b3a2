// GET /api/v1/rate-limits and /api/v1/usage show what the gateway did: the same limits as the
// headers, requests and tokens per minute, over-limit and 429 counts.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { setupGatewayServer } from "../../helpers/gateway-server";
import { callRoute } from "../../helpers/routes";
import { gateway } from "@/lib/gateway/context";
import * as rateLimitsRoute from "@/app/api/v1/rate-limits/route";
import * as usageRoute from "@/app/api/v1/usage/route";

setupTestDatabase();
const server = setupGatewayServer("fast-path");

describe("usage and rate-limit APIs", () => {
  it("report what the gateway admitted, over-limit and rejected, with the limits in force", async () => {
    const model = await createModelFixture({ baseRpm: 5, capRpm: 5 });
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: 1_000_000n });
    const statuses: number[] = [];
    let lastHeaders: Headers | undefined;
    for (let i = 0; i < 14; i++) {
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${acct.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "hi" }], max_tokens: 2 }),
      });
      statuses.push(res.status);
      if (res.status === 200) lastHeaders = res.headers;
      await res.text();
    }
    await gateway().rejections.flush();
    const served = statuses.filter((s) => s === 200).length;
    const rejected = statuses.filter((s) => s === 429).length;
    expect(served).toBe(10);
    expect(rejected).toBe(4);

    const limits = await callRoute(rateLimitsRoute.GET, { apiKey: acct.apiKey });
    expect(limits.status).toBe(200);
    const mine = limits.body.rateLimits.find((r: { model: string }) => r.model === model.name);
    expect(mine.limits).toEqual({ requests: 5, tokensPrompt: 5000, tokensGenerated: 500 });
    expect(mine.limits.requests).toBe(Number(lastHeaders!.get("x-ratelimit-limit-requests")));
    expect(mine.overLimit).toBe(true);

    const usage = await callRoute(usageRoute.GET, { apiKey: acct.apiKey, path: `/api/v1/usage?since=15m&model=${model.name}` });
    expect(usage.status).toBe(200);
    expect(usage.body.granularity).toBe("minute");
    const points = usage.body.series[0].points as {
      requests: number;
      overLimit: number;
      rejected429: number;
      limitRequests: number | null;
    }[];
    expect(points.length).toBeGreaterThanOrEqual(15);
    expect(points.reduce((n, p) => n + p.requests, 0)).toBe(10);
    expect(points.reduce((n, p) => n + p.overLimit, 0)).toBe(5);
    expect(points.reduce((n, p) => n + p.rejected429, 0)).toBe(4);
    expect(points.filter((p) => p.requests > 0).every((p) => p.limitRequests === 5)).toBe(true);

    const bad = await callRoute(usageRoute.GET, { apiKey: acct.apiKey, path: "/api/v1/usage?since=yesterday" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^since: must be a duration/);
  });
});

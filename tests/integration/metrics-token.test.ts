// GET /api/metrics is a public scrape target by default; with HEADROOM_METRICS_TOKEN set, only a
// scrape with that bearer token gets the exposition, and others get the §7 error shape.
import { afterEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { resetEnv } from "@/lib/env";
import { setupTestDatabase } from "../helpers/test-db";
import { callRoute } from "../helpers/routes";

setupTestDatabase();

const TOKEN = "scrape-token-0123456789abcdef";

afterEach(() => {
  delete process.env.HEADROOM_METRICS_TOKEN;
  resetEnv();
});

describe("GET /api/metrics", () => {
  it("is public when no token is configured", async () => {
    const res = await callRoute(GET, { path: "/api/metrics" });
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain("headroom_gateway_requests_total");
  });

  it("with HEADROOM_METRICS_TOKEN, needs that bearer token", async () => {
    process.env.HEADROOM_METRICS_TOKEN = TOKEN;
    resetEnv();
    const none = await callRoute(GET, { path: "/api/metrics" });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key" });
    expect(none.body.error.message).toContain("HEADROOM_METRICS_TOKEN");
    const wrong = await callRoute(GET, { path: "/api/metrics", headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const right = await callRoute(GET, { path: "/api/metrics", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    expect(String(right.body)).toContain("headroom_meter_flush_seconds");
  });
});

// Redis unreachable (SPEC §7: 503): by default (HEADROOM_REDIS_DOWN unset) a /v1 call that cannot
// have its rate limits checked is answered 503 service_unavailable with its request id — never a 500,
// never served unlimited — and the gateway goes back to Redis by itself once it answers. The gateway
// is set up as `npm start` sets it up (initGateway with the environment's setting). (The opt-in
// `local` mode, per-instance limits meanwhile, is the store's failover: tests/integration/limits.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { startGatewayServer } from "../../helpers/gateway-server";
import { closeGateway, initGateway } from "@/lib/gateway/context";
import { env } from "@/lib/env";
import { REDIS_URL, connect, deletePrefix } from "../limits/redis-fixture";
import { TcpProxy } from "../limits/tcp-proxy";
import { callRoute } from "../../helpers/routes";
import * as healthRoute from "@/app/api/health/route";

setupTestDatabase();
const target = new URL(REDIS_URL);
const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
let server: { url: string; close: () => Promise<void> };
let apiKey: string;
let accountId: string;
let model: { id: string; name: string };

beforeAll(async () => {
  await proxy.start();
  await closeGateway();
  await initGateway({ redisUrl: `redis://127.0.0.1:${proxy.port}`, redisDown: env().HEADROOM_REDIS_DOWN });
  server = await startGatewayServer("fast-path");
  model = await createModelFixture({ baseRpm: 600, capRpm: 600 });
  const account = await createAccountFixture({ tier: "tier1" });
  apiKey = account.apiKey;
  accountId = account.accountId;
});
afterAll(async () => {
  await server.close();
  await closeGateway();
  await proxy.cut();
  // The gateway's keys are the accounts' (unique to this test's database): remove them.
  const direct = connect();
  await deletePrefix(direct, `headroom:rl:${accountId}`);
  direct.disconnect();
});

const ask = () =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "hello" }], max_tokens: 4 }),
  });

describe("the gateway while Redis is unreachable", () => {
  it("answers 503 service_unavailable with its request id, and serves again once Redis is back", async () => {
    expect((await ask()).status).toBe(200);
    await proxy.cut();
    for (let i = 0; i < 3; i++) {
      const res = await ask();
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { type: string; message: string; request_id: string } };
      expect(body.error.type).toBe("service_unavailable");
      expect(body.error.message).toContain("rate-limit store is unreachable");
      expect(body.error.request_id).toBe(res.headers.get("x-request-id"));
    }
    await proxy.start(proxy.port);
    let status = 0;
    for (let waited = 0; waited < 5_000 && status !== 200; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await ask()).status;
    }
    expect(status).toBe(200);
  });

  it("GET /api/health asks Redis itself: unhealthy (503) as soon as it is gone, healthy again before any /v1 call", async () => {
    const health = async () => {
      const res = await callRoute(healthRoute.GET, { path: "/api/health" });
      return { status: res.status, redis: (res.body as { checks: Record<string, { ok: boolean; detail?: string }> }).checks.redis };
    };
    expect(await health()).toMatchObject({ status: 200, redis: { ok: true } });
    await proxy.cut();
    // No /v1 call in between: the check itself finds the outage.
    expect(await health()).toMatchObject({ status: 503, redis: { ok: false, detail: expect.stringContaining("refused") } });
    await proxy.start(proxy.port);
    let seen = await health();
    for (let waited = 0; waited < 5_000 && seen.status !== 200; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await health();
    }
    expect(seen).toMatchObject({ status: 200, redis: { ok: true } });
    // The health check's answer brought the limiter back: the first call after it is served.
    expect((await ask()).status).toBe(200);
  });
});

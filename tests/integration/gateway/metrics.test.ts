// GET /api/metrics after real gateway traffic (issue: "requests by model and outcome (in-limit,
// over-limit, 429, 402, 503), admission latency, queue depth, meter flush latency"): a burst of
// three times a model's limit and a call from a suspended account show up as exactly those counts.
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { metrics } from "@/lib/metrics";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { setupGatewayServer } from "../../helpers/gateway-server";
import { callRoute } from "../../helpers/routes";

setupTestDatabase();
const server = setupGatewayServer("fast-path");

const call = (apiKey: string, model: string) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 4 }),
  }).then(async (res) => (await res.text(), res.status));

/** The value of one sample line of the exposition, or undefined when it is absent. */
const sample = (text: string, line: string) => {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
};

describe("gateway metrics", () => {
  it("count requests by model and outcome, and time admission and the meter's flushes", async () => {
    metrics().registry.resetMetrics();
    // 5 requests a minute, rejected once twice over the limit: 5 in-limit, 5 over-limit, then 429s.
    const model = await createModelFixture({ baseRpm: 5, capRpm: 5, tokensPromptPerRequest: 10, tokensGeneratedPerReq: 4 });
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: 1_000_000n });
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push(await call(acct.apiKey, model.name));
    expect(statuses).toEqual([...Array(10).fill(200), ...Array(5).fill(429)]);
    // Tier 0 without a card or credits: suspended, 402.
    const suspended = await createAccountFixture({ tier: "tier0", paymentMethod: false });
    expect(await call(suspended.apiKey, model.name)).toBe(402);

    const res = await callRoute(GET, { path: "/api/metrics" });
    const text = String(res.body);
    const requests = (outcome: string) => sample(text, `headroom_gateway_requests_total{model="${model.name}",outcome="${outcome}"}`);
    expect([requests("in_limit"), requests("over_limit"), requests("429"), requests("402")]).toEqual([5, 5, 5, 1]);
    expect(sample(text, "headroom_admission_seconds_count")).toBeGreaterThanOrEqual(10);
    expect(sample(text, "headroom_meter_flush_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "headroom_meter_batch_size_sum")).toBe(10); // every served request metered once
    expect(text).toMatch(/^headroom_queue_depth(\{[^}]*\})? \d+$/m);
    expect(sample(text, "headroom_queue_wait_seconds_count")).toBe(10);
  });

  it("count each request once, by its final outcome: a refused body under the model it named, a client that left while queued as client_closed", async () => {
    metrics().registry.resetMetrics();
    // One slot, 10 tokens a second: the first request holds it for ~0.4 s while the second queues.
    const model = await createModelFixture({ baseRpm: 20, capRpm: 20, concurrency: 1, tokensPerSecond: 10, firstTokenMs: 0 });
    const acct = await createAccountFixture({ tier: "tier1", creditsMicros: 1_000_000n });
    const bad = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${acct.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: model.name, messages: [], n: 0 }),
    });
    expect(bad.status).toBe(400);
    const holding = call(acct.apiKey, model.name);
    await new Promise((r) => setTimeout(r, 50));
    const leaving = new AbortController();
    const queued = fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${acct.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "hi" }], max_tokens: 4 }),
      signal: leaving.signal,
    }).catch(() => "aborted");
    await new Promise((r) => setTimeout(r, 100));
    leaving.abort();
    expect(await queued).toBe("aborted");
    expect(await holding).toBe(200);
    await new Promise((r) => setTimeout(r, 100));

    const text = String((await callRoute(GET, { path: "/api/metrics" })).body);
    const requests = (outcome: string) => sample(text, `headroom_gateway_requests_total{model="${model.name}",outcome="${outcome}"}`);
    expect([requests("400"), requests("in_limit"), requests("client_closed"), requests("503")]).toEqual([1, 1, 1, undefined]);
  });
});

// The official OpenAI SDK against the gateway, through both entry points (fast path and route
// handler): plain and streaming calls, the §7 headers, errors, and retries honouring retry-after.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { startGatewayServer, type EntryPoint } from "../../helpers/gateway-server";
import { closeGateway } from "@/lib/gateway/context";
import { db } from "@/lib/db";
import { usageRecordId } from "@/lib/billing/charge-usage-batch";

setupTestDatabase();
afterAll(() => closeGateway());

const RL_HEADERS = [
  "x-ratelimit-limit-requests",
  "x-ratelimit-limit-tokens-prompt",
  "x-ratelimit-limit-tokens-generated",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-remaining-tokens-prompt",
  "x-ratelimit-remaining-tokens-generated",
  "x-ratelimit-over-limit",
  "x-request-id",
];

describe.each<EntryPoint>(["fast-path", "route-handler"])("OpenAI SDK via the %s", (entry) => {
  let server: { url: string; close: () => Promise<void> };
  let client: OpenAI;
  let model: { id: string; name: string };
  let account: Awaited<ReturnType<typeof createAccountFixture>>;

  beforeAll(async () => {
    server = await startGatewayServer(entry);
    model = await createModelFixture({ baseRpm: 60, capRpm: 60 });
    account = await createAccountFixture({ tier: "tier1", creditsMicros: 5_000_000n });
    client = new OpenAI({ apiKey: account.apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => server.close());

  it("lists models", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain(model.name);
  });

  it("answers a chat completion with usage and every §7 header", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: model.name, messages: [{ role: "user", content: "Say something about rate limits." }], max_tokens: 12 })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.usage?.prompt_tokens).toBeGreaterThan(5);
    expect(data.usage?.completion_tokens).toBeLessThanOrEqual(12);
    for (const h of RL_HEADERS) expect(response.headers.get(h), h).not.toBeNull();
    expect(response.headers.get("x-ratelimit-limit-requests")).toBe("60");
    expect(response.headers.get("x-ratelimit-limit-tokens-prompt")).toBe("60000");
    expect(response.headers.get("x-ratelimit-limit-tokens-generated")).toBe("6000");
    expect(Number(response.headers.get("x-ratelimit-remaining-requests"))).toBeLessThan(60);
    expect(response.headers.get("x-ratelimit-over-limit")).toBe("no");
    const record = await db().usageRecord.findUniqueOrThrow({ where: { id: usageRecordId(response.headers.get("x-request-id")!) } });
    expect(record.completionTokens).toBe(data.usage?.completion_tokens);
    expect(record.promptTokens).toBe(data.usage?.prompt_tokens);
  });

  it("streams with the headers before the first byte and a final usage chunk", async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: model.name,
        messages: [{ role: "user", content: "Stream please" }],
        max_tokens: 10,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(response.headers.get("x-ratelimit-limit-requests")).toBe("60");
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const record = await db().usageRecord.findUniqueOrThrow({ where: { id: usageRecordId(response.headers.get("x-request-id")!) } });
    expect(record).toMatchObject({ streamed: true, abandoned: false, completionTokens: usage?.completion_tokens });
  });

  it("answers legacy completions", async () => {
    const res = await client.completions.create({ model: model.name, prompt: "Once upon a time", max_tokens: 5 });
    expect(res.object).toBe("text_completion");
    expect(res.usage?.completion_tokens).toBeLessThanOrEqual(5);
  });

  it("gives distinct, named errors: 401, 400 naming the field, 404 for an unknown model", async () => {
    const bad = new OpenAI({ apiKey: "hr_" + "0".repeat(40), baseURL: `${server.url}/v1`, maxRetries: 0 });
    await expect(bad.models.list()).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
    await expect(
      client.chat.completions.create({ model: model.name, messages: [{ role: "user", content: "x" }], n: 0 }),
    ).rejects.toMatchObject({
      status: 400,
      type: "invalid_request_error",
      param: "n",
    });
    const negative = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${account.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "x" }], max_tokens: -1 }),
    });
    expect(negative.status).toBe(400);
    const body = await negative.json();
    expect(body.error.message).toMatch(/^max_tokens: /);
    expect(negative.headers.get("x-ratelimit-limit-requests")).not.toBeNull();
    await expect(
      client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
    });
    const junk = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${account.apiKey}`, "content-type": "application/json" },
      body: "{oops",
    });
    expect(junk.status).toBe(400);
    expect(JSON.stringify(await junk.json())).not.toMatch(/at \w+ \(|node_modules/);
  });
});

describe("retries", () => {
  it("the SDK's automatic retry honours retry-after", async () => {
    const server = await startGatewayServer("fast-path");
    try {
      // 20 RPM, h = 2: about 40 requests fit in a burst, then 429 with retry-after ≈ 3 s.
      const model = await createModelFixture({ baseRpm: 20, capRpm: 20, tokensPromptPerRequest: 1000, tokensGeneratedPerReq: 1000 });
      const account = await createAccountFixture({ tier: "tier1" });
      const plain = new OpenAI({ apiKey: account.apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
      let rejected: { status?: number; headers?: Headers } | undefined;
      for (let i = 0; i < 60 && !rejected; i++) {
        await plain.chat.completions
          .create({ model: model.name, messages: [{ role: "user", content: "hi" }], max_tokens: 1 })
          .catch((e) => (rejected = e));
      }
      expect(rejected?.status).toBe(429);
      const retryAfter = Number(rejected?.headers?.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(5);
      // With retries on, the SDK waits retry-after seconds and then succeeds.
      const retrying = new OpenAI({ apiKey: account.apiKey, baseURL: `${server.url}/v1`, maxRetries: 2 });
      const started = Date.now();
      const res = await retrying.chat.completions.create({ model: model.name, messages: [{ role: "user", content: "hi" }], max_tokens: 1 });
      expect(res.choices).toHaveLength(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(retryAfter * 1000 - 1500);
    } finally {
      await server.close();
    }
  }, 90_000);

  it("a request larger than the limit could ever admit is refused at once: x-should-retry false (the SDK does not retry it) and a retry-after", async () => {
    const server = await startGatewayServer("fast-path");
    try {
      const model = await createModelFixture({ baseRpm: 20, capRpm: 20 });
      const account = await createAccountFixture({ tier: "tier1" });
      const requests: string[] = [];
      const retrying = new OpenAI({
        apiKey: account.apiKey,
        baseURL: `${server.url}/v1`,
        maxRetries: 2,
        fetch: (url, init) => {
          requests.push(String(url));
          return fetch(url, init);
        },
      });
      const started = Date.now();
      // n = 41 requests against 20 RPM with h = 2: more than 2 × L in one request.
      const err = (await retrying.chat.completions
        .create({ model: model.name, messages: [{ role: "user", content: "hi" }], max_tokens: 1, n: 41 })
        .catch((e: unknown) => e)) as { status?: number; headers?: Headers; code?: string; message?: string };
      expect(err.status).toBe(429);
      expect(err.code).toBe("rate_limit_exceeded");
      expect(err.message).toMatch(/reserves more requests \(n\) than your current .* limit allows \(40\)/);
      // Every 429 carries retry-after (SPEC §7): here the seconds until the bucket is full again
      // (it is: a fresh account), whole and at least 1.
      expect(err.headers?.get("retry-after")).toMatch(/^[1-9]\d*$/);
      expect(Number(err.headers?.get("retry-after"))).toBeLessThanOrEqual(60);
      expect(err.headers?.get("x-should-retry")).toBe("false");
      // The SDK obeys x-should-retry before retry-after: one request, no retries.
      expect(requests).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(5_000);

      // Half the requests bucket used (10 of 20): full again in 10 / (20/60 per s) = 30 s.
      const once = new OpenAI({ apiKey: account.apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
      for (let i = 0; i < 10; i++)
        await once.chat.completions.create({ model: model.name, messages: [{ role: "user", content: "hi" }], max_tokens: 1 });
      const later = (await once.chat.completions
        .create({ model: model.name, messages: [{ role: "user", content: "hi" }], max_tokens: 1, n: 41 })
        .catch((e: unknown) => e)) as { status?: number; headers?: Headers };
      expect(later.status).toBe(429);
      expect(later.headers?.get("x-should-retry")).toBe("false");
      const seconds = Number(later.headers?.get("retry-after"));
      expect(Number.isInteger(seconds)).toBe(true);
      expect(seconds).toBeGreaterThanOrEqual(20);
      expect(seconds).toBeLessThanOrEqual(30);
    } finally {
      await server.close();
    }
  });
});

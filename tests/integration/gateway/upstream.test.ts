// UPSTREAM_BASE_URL (SPEC §7): requests are proxied to a real OpenAI-compatible server — here a
// small one this test runs, speaking OpenAI's streaming format — and the upstream's reported usage
// is what is charged. Checked with the OpenAI SDK against the gateway: plain and streamed answers,
// what the upstream receives (its own key, never the client's), usage that is not a token count,
// usage costing more than was reserved, an upstream 400, and an upstream that does not answer;
// the cap on the answer's length the upstream is sent, and answers that fail midway or are left.
import http from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { countTokens } from "gpt-tokenizer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { startGatewayServer } from "../../helpers/gateway-server";
import { closeGateway } from "@/lib/gateway/context";
import { db } from "@/lib/db";
import { usageRecordId } from "@/lib/billing/charge-usage-batch";
import { requestCostMicros } from "@/lib/money";
import { countChatPromptTokens } from "@/lib/gateway/tokens";

setupTestDatabase();

type Reply =
  | "ok"
  | "nonsense"
  | "over"
  | "bad-request"
  | "as-long-as-asked"
  | "other-tokenizer"
  | "one-choice-no-done"
  | "error-midway"
  | "cut-short"
  | "slow";
const ANSWER = ["Hello from", " the upstream."];
const USAGE: Record<"ok" | "nonsense" | "over", unknown> = {
  ok: { prompt_tokens: 17, completion_tokens: 4 },
  nonsense: { prompt_tokens: -50, completion_tokens: 2.5 },
  over: { prompt_tokens: 17, completion_tokens: 999_999 },
};
/** An upstream with no cap of its own generates this many tokens. */
const UNCAPPED = 2_000;
let reply: Reply = "ok";
const seen: { path: string; authorization: string | undefined; body: Record<string, unknown> }[] = [];

const upstream = http.createServer((req, res) => {
  let text = "";
  req.on("data", (c: Buffer) => (text += c.toString()));
  req.on("end", () => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(text) as Record<string, unknown> });
    if (reply === "bad-request") {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "this model does not take a temperature of 7" } }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const event = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    event({ choices: [{ index: 0, delta: { role: "assistant", content: "" } }] });
    const body = seen.at(-1)!.body;
    if (reply === "as-long-as-asked") {
      const tokens = Number(body.max_completion_tokens ?? body.max_tokens ?? UNCAPPED);
      for (let i = 0; i < tokens; i++) event({ choices: [{ index: 0, delta: { content: " tok" } }] });
      event({ choices: [{ index: 0, delta: {}, finish_reason: "length" }] });
      // (Fewer prompt tokens than Headroom counts: a count above the reservation is capped, above.)
      event({ choices: [], usage: { prompt_tokens: 5, completion_tokens: tokens } });
      res.end("data: [DONE]\n\n");
      return;
    }
    if (reply === "other-tokenizer") {
      // Another tokenizer: the prompt is 20% more tokens than Headroom counts; the answer uses all of max_tokens.
      const tokens = Number(body.max_tokens);
      for (let i = 0; i < tokens; i++) event({ choices: [{ index: 0, delta: { content: " tok" } }] });
      event({ choices: [{ index: 0, delta: {}, finish_reason: "length" }] });
      const ours = countChatPromptTokens({ messages: body.messages as never });
      event({ choices: [], usage: { prompt_tokens: Math.ceil(ours * 1.2), completion_tokens: tokens } });
      res.end("data: [DONE]\n\n");
      return;
    }
    if (reply === "one-choice-no-done") {
      // A server that ignores n and ends its stream without [DONE], every choice it began finished.
      for (const piece of ANSWER) event({ choices: [{ index: 0, delta: { content: piece } }] });
      event({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
      res.end();
      return;
    }
    if (reply === "error-midway" || reply === "cut-short" || reply === "slow") {
      event({ choices: [{ index: 0, delta: { content: ANSWER[0] } }] });
      if (reply === "error-midway")
        res.end(`data: ${JSON.stringify({ error: { message: "the GPU fell over", type: "server_error" } })}\n\n`);
      else if (reply === "cut-short") setTimeout(() => res.destroy(), 50);
      else setTimeout(() => res.end("data: [DONE]\n\n"), 5_000).unref();
      return;
    }
    for (const piece of ANSWER) event({ choices: [{ index: 0, delta: { content: piece } }] });
    event({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    event({ choices: [], usage: USAGE[reply] });
    res.end("data: [DONE]\n\n");
  });
});

let server: { url: string; close: () => Promise<void> };
let client: OpenAI;
let model: { id: string; name: string };
let accountId: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  process.env.UPSTREAM_BASE_URL = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  process.env.UPSTREAM_API_KEY = "sk-upstream-secret";
  server = await startGatewayServer("fast-path");
  model = await createModelFixture({ baseRpm: 600, capRpm: 600 }); // $1 / $2 per million tokens
  const account = await createAccountFixture({ tier: "tier1", creditsMicros: 5_000_000n });
  accountId = account.accountId;
  client = new OpenAI({ apiKey: account.apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await closeGateway();
  if (upstream.listening) upstream.close();
  delete process.env.UPSTREAM_BASE_URL;
  delete process.env.UPSTREAM_API_KEY;
});
beforeEach(() => {
  reply = "ok";
  seen.length = 0;
});

const record = (requestId: string | null) => db().usageRecord.findUniqueOrThrow({ where: { id: usageRecordId(requestId!) } });
const ask = (max_tokens = 8) =>
  client.chat.completions.create({ model: model.name, messages: [{ role: "user", content: "Say hello." }], max_tokens }).withResponse();

describe("proxying to an OpenAI-compatible upstream", () => {
  it("answers with the upstream's text and charges the usage it reports", async () => {
    const { data, response } = await ask();
    expect(data.choices[0]?.message.content).toBe(ANSWER.join(""));
    expect(data.usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 4 });
    // The upstream gets the request as sent, streamed with usage — and its own key, not the client's.
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe("/v1/chat/completions");
    expect(seen[0]!.authorization).toBe("Bearer sk-upstream-secret");
    expect(seen[0]!.body).toMatchObject({
      model: model.name,
      messages: [{ role: "user", content: "Say hello." }],
      max_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
    const usage = await record(response.headers.get("x-request-id"));
    expect([usage.promptTokens, usage.completionTokens, usage.costMicros]).toEqual([17, 4, 17n + 8n]);
    const charge = await db().ledgerEntry.findUniqueOrThrow({ where: { idempotencyKey: `usage:${usage.requestId}` } });
    expect(charge.amountMicros).toBe(-25n); // drawn from the account's credits
  });

  it("streams the upstream's chunks, with its usage in the final one", async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: model.name,
        messages: [{ role: "user", content: "Say hello." }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(ANSWER.join(""));
    expect(usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 4 });
    const row = await record(response.headers.get("x-request-id"));
    expect([row.promptTokens, row.completionTokens, row.streamed]).toEqual([17, 4, true]);
  });

  it("usage that is not a token count is charged by Headroom's own count", async () => {
    reply = "nonsense"; // prompt_tokens -50, completion_tokens 2.5
    const { data, response } = await ask();
    const row = await record(response.headers.get("x-request-id"));
    expect(row.promptTokens).toBeGreaterThan(0);
    expect(row.completionTokens).toBe(countTokens(ANSWER.join("")));
    expect(data.usage).toMatchObject({ prompt_tokens: row.promptTokens, completion_tokens: row.completionTokens });
    expect(row.costMicros).toBe(requestCostMicros(row.promptTokens, row.completionTokens, 1_000_000n, 2_000_000n));
  });

  it("usage costing more than was reserved is charged the reservation, so spend cannot pass the limit", async () => {
    reply = "over"; // 999,999 completion tokens against max_tokens 8
    // An account of its own: the rate limiter settles to the reported count too (SPEC §6), which
    // leaves this account deep in generated-token debt.
    const other = await createAccountFixture({ tier: "tier1", creditsMicros: 5_000_000n });
    const otherClient = new OpenAI({ apiKey: other.apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const { response } = await otherClient.chat.completions
      .create({ model: model.name, messages: [{ role: "user", content: "Say hello." }], max_tokens: 8 })
      .withResponse();
    const row = await record(response.headers.get("x-request-id"));
    expect(row.completionTokens).toBe(999_999); // what the upstream reported is kept
    expect(row.costMicros).toBeGreaterThan(0n);
    expect(row.costMicros).toBeLessThanOrEqual(requestCostMicros(100, 8, 1_000_000n, 2_000_000n)); // ≤ the reservation
    const account = await db().account.findUniqueOrThrow({ where: { id: other.accountId }, select: { monthlySpendMicros: true } });
    expect(account.monthlySpendMicros).toBe(row.costMicros);
  });

  it("an upstream 400 is the client's 400, with the upstream's message, and nothing is charged", async () => {
    reply = "bad-request";
    const before = await db().usageRecord.count({ where: { accountId } });
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("this model does not take a temperature of 7");
    expect(await db().usageRecord.count({ where: { accountId } })).toBe(before);
  });

  it("sends the upstream the completion length admission reserved, so its whole answer is charged", async () => {
    reply = "as-long-as-asked";
    // No max_tokens from the client: the upstream is told the model's default, not left to its own.
    const { data, response } = await client.chat.completions
      .create({ model: model.name, messages: [{ role: "user", content: "Write at length." }] })
      .withResponse();
    const sent = seen[0]!.body.max_tokens;
    expect(sent).toBeTypeOf("number");
    expect(sent).toBeLessThan(UNCAPPED);
    expect(data.usage?.completion_tokens).toBe(sent);
    const row = await record(response.headers.get("x-request-id"));
    expect([row.completionTokens, row.costMicros]).toEqual([sent, requestCostMicros(5, sent as number, 1_000_000n, 2_000_000n)]);
    // A client's max_completion_tokens is passed on as that field, not as max_tokens.
    seen.length = 0;
    await client.chat.completions.create({
      model: model.name,
      messages: [{ role: "user", content: "Briefly." }],
      max_completion_tokens: 5,
    });
    expect(seen[0]!.body).toMatchObject({ max_completion_tokens: 5 });
    expect(seen[0]!.body.max_tokens).toBeUndefined();
  });

  it("an upstream counting more prompt tokens than Headroom does is charged its count (the reservation has a margin)", async () => {
    reply = "other-tokenizer";
    // A long prompt (~2,000 tokens): the margin must be proportional, not only the fixed 32.
    const { data, response } = await client.chat.completions
      .create({ model: model.name, messages: [{ role: "user", content: "Summarise this. ".repeat(600) }], max_tokens: 8 })
      .withResponse();
    expect(data.usage!.prompt_tokens).toBeGreaterThan(2_000);
    const row = await record(response.headers.get("x-request-id"));
    expect(row.promptTokens).toBe(data.usage!.prompt_tokens);
    expect(row.costMicros).toBe(requestCostMicros(row.promptTokens, 8, 1_000_000n, 2_000_000n)); // not cut to the reservation
  });

  it("an upstream that ignores n and ends without [DONE], every choice it began finished, is a complete answer", async () => {
    reply = "one-choice-no-done";
    const data = await client.chat.completions.create({ model: model.name, messages: [{ role: "user", content: "Hi." }], n: 2 });
    expect(data.choices.map((c) => c.message.content)).toEqual([ANSWER.join(""), ""]);
  });

  it("legacy completions send the upstream max_tokens only, whatever else the client sent", async () => {
    reply = "ok";
    await fetch(`${server.url}/v1/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${client.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: model.name, prompt: "Say hello.", max_tokens: 6, max_completion_tokens: 500 }),
    });
    expect(seen[0]!.body).toMatchObject({ max_tokens: 6 });
    expect(seen[0]!.body.max_completion_tokens).toBeUndefined();
  });

  it("a streamed request the upstream refuses is an error response, not an empty stream, and nothing is charged", async () => {
    reply = "bad-request";
    const before = await db().usageRecord.count({ where: { accountId } });
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${client.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "Say hello." }], stream: true }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-ratelimit-limit-requests")).toBe("600");
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("temperature of 7");
    expect(await db().usageRecord.count({ where: { accountId } })).toBe(before);
  });

  for (const [failure, message] of [
    ["error-midway", "the GPU fell over"],
    ["cut-short", "before it was complete"],
  ] as const) {
    it(`a stream the upstream ${failure === "error-midway" ? "breaks off with an error" : "cuts short"} ends with an error event, never [DONE], and charges what was generated`, async () => {
      reply = failure;
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${client.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "Say hello." }], stream: true }),
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(ANSWER[0]);
      expect(text).not.toContain("[DONE]");
      const last = JSON.parse(text.trim().split("\n\n").at(-1)!.slice("data: ".length)) as { error: { message: string; type: string } };
      expect(last.error.message).toContain(message);
      // The SDK raises it rather than returning the partial answer as complete.
      const stream = await client.chat.completions.create({
        model: model.name,
        messages: [{ role: "user", content: "Again." }],
        stream: true,
      });
      await expect(
        (async () => {
          for await (const chunk of stream) void chunk;
        })(),
      ).rejects.toThrow(message);
      const row = await record(res.headers.get("x-request-id"));
      expect([row.abandoned, row.completionTokens]).toEqual([true, countTokens(ANSWER[0]!)]);
    });
  }

  it("a client that leaves a plain request mid-answer is charged what the upstream generated until then", async () => {
    reply = "slow"; // one piece, then nothing for 5 s
    const leave = new AbortController();
    const sent = fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${client.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: model.name, messages: [{ role: "user", content: "Take your time." }], max_tokens: 8 }),
      signal: leave.signal,
    }).catch(() => null);
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    leave.abort();
    await sent;
    let row = null;
    for (let i = 0; i < 100 && !row; i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = await db().usageRecord.findFirst({ where: { accountId, abandoned: true, streamed: false } });
    }
    expect(row).toMatchObject({ abandoned: true, streamed: false, completionTokens: countTokens(ANSWER[0]!) });
  });

  it("an upstream that does not answer is 503 service_unavailable, and nothing is charged", async () => {
    const closed = new Promise<void>((resolve) => upstream.close(() => resolve()));
    upstream.closeAllConnections();
    await closed;
    const before = await db().usageRecord.count({ where: { accountId } });
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toContain("unreachable");
    expect(await db().usageRecord.count({ where: { accountId } })).toBe(before);
  });
});

// What OpenAI clients send and expect beyond the basics, through both entry points: null for an
// unset option, tools and response formats counted as prompt, the §7 headers on every answer
// (model listing, a request refused for its body), GET /v1/models/{id}, 405 naming what is allowed,
// `usage: null` on stream chunks, and a prompt that leaves less room than the default completion.
import OpenAI from "openai";
import { countTokens } from "gpt-tokenizer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { startGatewayServer, type EntryPoint } from "../../helpers/gateway-server";
import { closeGateway } from "@/lib/gateway/context";

setupTestDatabase();
afterAll(() => closeGateway());

describe.each<EntryPoint>(["fast-path", "route-handler"])("OpenAI compatibility via the %s", (entry) => {
  let server: { url: string; close: () => Promise<void> };
  let client: OpenAI;
  let key: string;
  let model: { id: string; name: string };
  let small: { id: string; name: string };

  beforeAll(async () => {
    server = await startGatewayServer(entry);
    model = await createModelFixture({ baseRpm: 60, capRpm: 60, defaultMaxTokens: 64 });
    small = await createModelFixture({ baseRpm: 60, capRpm: 60, defaultMaxTokens: 64, contextWindow: 100 });
    const account = await createAccountFixture({ tier: "tier1", creditsMicros: 5_000_000n });
    key = account.apiKey;
    client = new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => server.close());

  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string; param?: string } }).error;

  it("takes null as 'not set' for the options OpenAI's clients serialise so", async () => {
    const res = await post("/v1/chat/completions", {
      model: model.name,
      messages: [{ role: "user", content: "hi", name: null }],
      logprobs: false,
      top_logprobs: null,
      n: null,
      stream: null,
      user: null,
      max_tokens: null,
      temperature: null,
    });
    expect(res.status).toBe(200);
  });

  it("counts the tools offered and the response format asked for as prompt tokens", async () => {
    const messages = [{ role: "user" as const, content: "What is the weather in Paris?" }];
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Current weather for a city. ".repeat(40),
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
    ];
    const plain = await client.chat.completions.create({ model: model.name, messages, max_tokens: 4 });
    const withTools = await client.chat.completions.create({ model: model.name, messages, tools, max_tokens: 4 });
    expect(withTools.usage!.prompt_tokens - plain.usage!.prompt_tokens).toBe(countTokens(JSON.stringify(tools)));
  });

  it("refuses what OpenAI refuses, naming the field: max_tokens 0, a user message without content, five stop sequences", async () => {
    const cases: [unknown, string][] = [
      [{ model: model.name, messages: [{ role: "user", content: "hi" }], max_tokens: 0 }, "max_tokens: must be at least 1"],
      [{ model: model.name, messages: [{ role: "user" }] }, "messages.0.content: is required in a user message"],
      [
        { model: model.name, messages: [{ role: "user", content: "hi" }], stop: ["a", "b", "c", "d", "e"] },
        "stop: must be a string or an array of at most 4 strings",
      ],
      [{ model: model.name, messages: [{ role: "user", content: [{ type: "text", text: 5 }] }] }, "messages.0.content"],
      [{ model: model.name, messages: [{ role: "user", content: "hi" }], logprobs: true }, "logprobs: is not supported"],
    ];
    for (const [body, message] of cases) {
      const res = await post("/v1/chat/completions", body);
      expect(res.status, message).toBe(400);
      expect((await errorOf(res)).message).toContain(message);
    }
  });

  it("a request refused for its body shows the caller's limits for the model it named", async () => {
    const served = await post("/v1/chat/completions", { model: model.name, messages: [{ role: "user", content: "hi" }], max_tokens: 4 });
    expect(served.status).toBe(200);
    const remaining = Number(served.headers.get("x-ratelimit-remaining-requests"));
    expect(remaining).toBeLessThan(60);
    const refused = await post("/v1/chat/completions", { model: model.name, messages: [{ role: "user", content: "hi" }], n: 0 });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("x-ratelimit-limit-requests")).toBe("60");
    expect(Number(refused.headers.get("x-ratelimit-remaining-requests"))).toBeLessThanOrEqual(remaining);
  });

  it("lists and retrieves models with the §7 headers; an unknown one is 404 model_not_found", async () => {
    const { data, response } = await client.models.list().withResponse();
    expect(data.data.map((m) => m.id)).toContain(model.name);
    expect(response.headers.get("x-ratelimit-limit-requests")).not.toBeNull();
    expect(response.headers.get("x-request-id")).not.toBeNull();
    const one = await client.models.retrieve(model.name);
    expect(one).toMatchObject({ id: model.name, object: "model", owned_by: "headroom" });
    const missing = await client.models.retrieve("no-such-model").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
  });

  it("a method the endpoint does not take is 405 with Allow", async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, { method: "GET", headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("with include_usage, every chunk before the last carries usage: null, as OpenAI's do", async () => {
    const res = await post("/v1/chat/completions", {
      model: model.name,
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = (await res.text())
      .trim()
      .split("\n\n")
      .map((e) => e.slice("data: ".length))
      .filter((d) => d !== "[DONE]")
      .map((d) => JSON.parse(d) as { usage?: unknown; choices: unknown[] });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks.slice(0, -1)) expect(c.usage).toBeNull();
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: expect.any(Number) });
  });

  it("without max_tokens, a long prompt gets what the context window leaves; one that does not fit is told so", async () => {
    // A 100-token window: a ~70-token prompt leaves ~30, less than the model's default of 64.
    const prompt = "one two three four five six seven eight nine ten ".repeat(6);
    const fits = await client.chat.completions.create({ model: small.name, messages: [{ role: "user", content: prompt }] });
    expect(fits.usage!.prompt_tokens + fits.usage!.completion_tokens).toBeLessThanOrEqual(100);
    const tooLong = await post("/v1/chat/completions", { model: small.name, messages: [{ role: "user", content: prompt.repeat(2) }] });
    expect(tooLong.status).toBe(400);
    const error = await errorOf(tooLong);
    expect(error.param).toBe("messages");
    expect(error.message).toContain("context window of 100 tokens");
    expect(error.message).not.toContain("max_tokens");
  });

  it("legacy completions take several prompts or token ids, n choices for each, numbered as OpenAI numbers them", async () => {
    const single = async (prompt: string) =>
      (await client.completions.create({ model: model.name, prompt, max_tokens: 6, n: 2, seed: 7 })).choices.map((c) => c.text);
    const [a, b] = [await single("Tell me about quotas."), await single("And about tiers?")];
    const both = await client.completions.create({
      model: model.name,
      prompt: ["Tell me about quotas.", "And about tiers?"],
      max_tokens: 6,
      n: 2,
      seed: 7,
    });
    expect(both.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(both.choices.map((c) => c.text)).toEqual([...a, ...b]);
    expect(both.usage!.prompt_tokens).toBe(countTokens("Tell me about quotas.") + countTokens("And about tiers?"));
    const ids = await client.completions.create({ model: model.name, prompt: [9906, 1917, 0], max_tokens: 4 });
    expect(ids.usage!.prompt_tokens).toBe(3);
    const idLists = await client.completions.create({ model: model.name, prompt: [[9906], [1917, 0]], max_tokens: 4 });
    expect(idLists.choices).toHaveLength(2);
    expect(idLists.usage!.prompt_tokens).toBe(3);
    for (const [body, message] of [
      [{ model: model.name, prompt: [] }, "prompt: is required: a string, an array of up to 128 strings"],
      [{ model: model.name, prompt: [-1] }, "prompt.0: must be a token id (0…199999)"],
      [{ model: model.name, prompt: [9906, 199998] }, "prompt: 199998 is not a token id of the o200k_base vocabulary"],
      [{ model: small.name, prompt: "hi", max_tokens: 100 }, "max_tokens: 100 leaves no room for a prompt"],
      [{ model: model.name, prompt: "hi", best_of: 3 }, "best_of: above 1 is not supported"],
      [{ model: model.name, prompt: "hi", logprobs: 2 }, "logprobs: is not supported"],
    ] as const) {
      const res = await post("/v1/completions", body);
      expect(res.status, message).toBe(400);
      expect((await errorOf(res)).message).toContain(message);
    }
  });
});

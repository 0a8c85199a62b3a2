// The gateway accepts a plain chat request without zod (plainChatRequest): whatever it accepts, the
// schema must accept and return equal — so skipping the schema changes no answer. Anything else is
// the schema's to judge, with its messages.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatCompletionSchema, plainChatRequest } from "@/lib/gateway/schemas";

/** Values that sit on and around the schema's bounds, of every JSON type. */
const edge = fc.constantFrom<unknown>(
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  2,
  2.5,
  128,
  129,
  1_000_000,
  1_000_001,
  2 ** 53,
  "",
  "x",
  "hr-small-8b",
  "a".repeat(256),
  "a".repeat(257),
  [],
  ["a"],
  ["a", "b", "c", "d", "e"],
  [1],
  {},
  { include_usage: true },
  { include_usage: null },
  { include_usage: false, extra: 1 },
);

/** Mostly a valid value, sometimes anything from `edge`. */
const field = (valid: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: edge, weight: 1 });

const message = fc.record(
  {
    role: field(fc.constantFrom("system", "developer", "user", "assistant", "tool", "function", "bot")),
    content: fc.oneof(
      { arbitrary: fc.string({ maxLength: 20 }), weight: 6 },
      { arbitrary: edge, weight: 1 },
      { arbitrary: fc.constantFrom([{ type: "text", text: "hi" }], [{ text: "no type" }]), weight: 1 },
    ),
    name: field(fc.string({ maxLength: 4 })),
    tool_calls: fc.constant([{ id: "call_1", type: "function" }]),
  },
  { requiredKeys: [] },
);

const body = fc.record(
  {
    model: field(fc.constantFrom("hr-small-8b", "bench-8b")),
    messages: field(fc.array(message, { maxLength: 4 })),
    n: field(fc.integer({ min: 1, max: 128 })),
    stream: field(fc.boolean()),
    stream_options: field(fc.constant({ include_usage: true })),
    max_tokens: field(fc.integer({ min: 1, max: 4096 })),
    max_completion_tokens: field(fc.integer({ min: 1, max: 4096 })),
    temperature: field(fc.double({ min: 0, max: 2, noNaN: true })),
    top_p: field(fc.double({ min: 0, max: 1, noNaN: true })),
    stop: field(fc.constantFrom("\n", ["a", "b"])),
    user: field(fc.string({ maxLength: 10 })),
    seed: field(fc.integer()),
    logprobs: field(fc.constantFrom(false, null)),
    top_logprobs: field(fc.constantFrom(0, null)),
    tools: fc.constant([{ type: "function", function: { name: "f" } }]),
    metadata: edge,
  },
  // Both required fields are nearly always there: their absence is tested below.
  { requiredKeys: ["model", "messages"] },
);

/** As the gateway gets it: through JSON. */
const asJson = (b: unknown) => JSON.parse(JSON.stringify(b)) as Record<string, unknown>;

describe("plainChatRequest", () => {
  it("accepts only what the schema accepts, and as the schema returns it", () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (b) => {
        const raw = asJson(b);
        const plain = plainChatRequest(raw);
        if (plain === null) return;
        accepted++;
        const parsed = chatCompletionSchema.safeParse(asJson(b));
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(plain);
      }),
      { numRuns: 20_000 },
    );
    // The property means something only if the fast path is taken often enough.
    expect(accepted).toBeGreaterThan(200);
  });

  it("accepts the common request: a model, string messages and the usual options", () => {
    const raw = asJson({
      model: "hr-small-8b",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello", name: "ada" },
        { role: "assistant", content: "Hi." },
      ],
      max_tokens: 16,
      temperature: 0.7,
      stream: true,
      stream_options: { include_usage: true },
      n: 2,
      seed: 7,
      metadata: { any: "thing" },
    });
    expect(plainChatRequest(raw)).toBe(raw);
  });

  it("leaves to the schema a body with content parts, a bad value, a missing field or a __proto__ key", () => {
    const base = { model: "hr-small-8b", messages: [{ role: "user", content: "Hello" }] };
    expect(plainChatRequest(asJson({ ...base, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }))).toBeNull();
    expect(plainChatRequest(asJson({ ...base, n: 0 }))).toBeNull();
    expect(plainChatRequest(asJson({ ...base, max_tokens: 1.5 }))).toBeNull();
    expect(plainChatRequest(asJson({ ...base, messages: [{ role: "robot", content: "x" }] }))).toBeNull();
    expect(plainChatRequest(asJson({ ...base, messages: [{ role: "assistant", content: null }] }))).toBeNull();
    expect(plainChatRequest(asJson({ model: "hr-small-8b" }))).toBeNull();
    expect(plainChatRequest(asJson({ messages: base.messages }))).toBeNull();
    expect(plainChatRequest(JSON.parse(`{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"n":0}}`))).toBeNull();
    expect(plainChatRequest(JSON.parse(`{"model":"m","messages":[{"role":"user","content":"x","__proto__":{}}]}`))).toBeNull();
  });
});

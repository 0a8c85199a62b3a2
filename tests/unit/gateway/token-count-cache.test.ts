// Prompt token counts are cached by message text (lib/gateway/tokens.ts): a cached count must be
// exactly the count the tokenizer gives, and the cache must stay within its bounds.
import { countTokens } from "gpt-tokenizer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countChatPromptTokens, countTextTokens, TokenCountCache } from "@/lib/gateway/tokens";

describe("TokenCountCache", () => {
  it("answers what the tokenizer answers, first time and every time after", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 300, unit: "grapheme" }), { minLength: 1, maxLength: 20 }), (texts) => {
        const cache = new TokenCountCache({ maxChars: 2_000, minChars: 8 });
        for (let round = 0; round < 3; round++) {
          for (const text of texts) expect(cache.count(text, countTextTokens)).toBe(countTextTokens(text));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("stores only texts within its length bounds and forgets the oldest generation when full", () => {
    let counted = 0;
    const counter = (t: string) => (counted++, countTokens(t));
    const cache = new TokenCountCache({ maxChars: 1_000, minChars: 10 });
    cache.count("short", counter);
    cache.count("short", counter);
    expect(counted).toBe(2); // under minChars: counted every time
    const long = "x ".repeat(100); // 200 chars: more than maxChars / 8, never stored
    cache.count(long.repeat(2), counter);
    cache.count(long.repeat(2), counter);
    expect(counted).toBe(4);
    const a = "the system prompt ".repeat(5); // 90 chars
    cache.count(a, counter);
    cache.count(a, counter);
    expect(counted).toBe(5);
    // Fill two generations with other texts: `a` is forgotten, and the held characters stay bounded.
    for (let i = 0; i < 40; i++) cache.count(`filler text number ${i} `.repeat(3), counter);
    expect(cache.heldChars).toBeLessThanOrEqual(2 * 1_000);
    const before = counted;
    cache.count(a, counter);
    expect(counted).toBe(before + 1);
  });

  it("keeps a text that is still in use when its generation is retired", () => {
    let counted = 0;
    const counter = (t: string) => (counted++, countTokens(t));
    const cache = new TokenCountCache({ maxChars: 1_000, minChars: 10 });
    const system = "You are a helpful assistant. ".repeat(3); // 87 chars, sent with every request
    for (let i = 0; i < 100; i++) {
      cache.count(system, counter);
      cache.count(`user message number ${i} with some words`, counter);
    }
    // The system prompt was counted once per generation it outlived at most, not once per request.
    expect(counted).toBeLessThan(100 + 10);
  });
});

describe("countChatPromptTokens", () => {
  it("gives the same count for a conversation whether its messages were seen before or not", () => {
    const system = "You answer questions about Headroom's rate limits. ".repeat(20);
    const first = countChatPromptTokens({
      messages: [
        { role: "system", content: system },
        { role: "user", content: "How do limits grow?" },
      ],
    });
    const again = countChatPromptTokens({
      messages: [
        { role: "system", content: system },
        { role: "user", content: "How do limits grow?" },
      ],
    });
    expect(again).toBe(first);
    expect(first).toBe(
      3 + (3 + countTokens("system") + countTokens(system)) + (3 + countTokens("user") + countTokens("How do limits grow?")),
    );
  });
});

describe("TokenCountCache entry bound", () => {
  it("holds at most maxEntries texts a generation, however short they are", () => {
    const cache = new TokenCountCache({ maxChars: 1_000_000, minChars: 8, maxEntries: 100 });
    let counted = 0;
    const counter = (t: string) => (counted++, countTokens(t));
    for (let i = 0; i < 1_000; i++) cache.count(`message ${i}`, counter);
    expect(cache.heldEntries).toBeLessThanOrEqual(200);
    cache.count("message 999", counter);
    expect(counted).toBe(1_000); // the newest are still held
  });
});

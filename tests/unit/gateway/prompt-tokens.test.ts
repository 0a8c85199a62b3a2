// What a prompt is counted as (lib/gateway/tokens.ts): long texts are counted in pieces that add up
// to the tokenizer's count exactly; counting stops once a prompt cannot fit; and what the model reads
// besides message text (tools, response formats, an assistant's tool calls) counts too.
import { countTokens } from "gpt-tokenizer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chatPromptSteps,
  completionPromptSteps,
  countChatPromptTokens,
  countTextTokens,
  countWithBreaks,
  TokenCountCache,
} from "@/lib/gateway/tokens";

/** Text made of words, numbers, punctuation, runs of spaces and line breaks, some of it not English. */
const prose = (minLength: number) =>
  fc
    .array(
      fc.constantFrom(
        "the",
        "Quota",
        " ",
        "  ",
        "\n",
        "\n\n",
        ".",
        ",",
        "?!",
        "12345",
        "don't",
        "naïve",
        "数据",
        "🙂",
        "\t",
        "x:y",
        "a/b",
        ".\n",
        " -",
        "— ",
      ),
      { minLength, maxLength: minLength * 2 },
    )
    .map((parts) => parts.join(""));

describe("countTextTokens", () => {
  it("counts a long text in pieces whose counts add up to the tokenizer's count of the whole", () => {
    fc.assert(
      fc.property(prose(12_000), (text) => {
        expect(text.length).toBeGreaterThan(8_192);
        expect(countTextTokens(text)).toBe(countTokens(text));
      }),
      { numRuns: 25 },
    );
  });

  it("counts runs without spaces in slices wherever they fall, long prompts searched piece by piece", () => {
    // The rule (lib/gateway/tokens.ts): ordinary text is counted exactly; a run of 256 or more
    // non-space characters is counted in slices of 256. Here as one pass over the whole text, which
    // the gateway's counting must match whatever the runs' lengths and wherever they fall — across
    // the 8 KB pieces it searches and counts one at a time, or just before or after their edges.
    const reference = (text: string) => {
      let total = 0;
      let last = 0;
      for (const m of text.matchAll(/\S{256,}/g)) {
        total += countTokens(text.slice(last, m.index));
        for (let i = 0; i < m[0].length;) {
          let end = Math.min(i + 256, m[0].length);
          if (end < m[0].length && /[\uD800-\uDBFF]/.test(m[0][end - 1]!)) end -= 1;
          total += countTokens(m[0].slice(i, end));
          i = end;
        }
        last = m.index + m[0].length;
      }
      return total + countTokens(text.slice(last));
    };
    const filler = "the quota, 12 naïve 数据 🙂\n ".repeat(800);
    const run = fc.tuple(fc.integer({ min: 1, max: 9_000 }), fc.integer({ min: 200, max: 1_200 }), fc.constantFrom("x", "🙂", "ab/", "-"));
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 6 }), (runs) => {
        const text = runs.map(([gap, length, unit]) => filler.slice(0, gap) + " " + unit.repeat(length).slice(0, length)).join("");
        expect(countTextTokens(text)).toBe(reference(text));
      }),
      { numRuns: 60 },
    );
    // A run that starts within 255 characters of a piece's edge, or ends exactly on it.
    for (const start of [8_192 - 300, 8_192 - 256, 8_192 - 255, 8_192 - 1, 8_192, 8_193, 16_384 - 10]) {
      const text = filler.slice(0, start - 1) + " " + "y".repeat(400) + " " + filler.slice(0, 9_000);
      expect(countTextTokens(text)).toBe(reference(text));
    }
  });

  it("stops counting once past a limit, and counts exactly up to it", () => {
    const text = "the quick brown fox jumps over the lazy dog ".repeat(20_000); // 880 KB, 180,000 tokens
    const exact = countTokens(text);
    expect(countTextTokens(text, exact)).toBe(exact);
    const over = countTextTokens(text, 8_000);
    expect(over).toBeGreaterThan(8_000);
    expect(over).toBeLessThan(8_000 + 3_000); // one piece past the limit, not the whole text
  });

  it("stops early on text with no spaces too (a megabyte of it took a second to count)", () => {
    const junk = Array.from({ length: 400_000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join("");
    const over = countTextTokens(junk, 5_000);
    expect(over).toBeGreaterThan(5_000);
    expect(over).toBeLessThan(5_000 + 300);
  });
});

describe("TokenCountCache with a limit", () => {
  it("never keeps a count that stopped at the limit", () => {
    const cache = new TokenCountCache({ maxChars: 10_000_000, minChars: 8 });
    const text = "a sentence of several words. ".repeat(1_000);
    expect(cache.count(text, countTextTokens, 100)).toBeGreaterThan(100);
    expect(cache.count(text, countTextTokens)).toBe(countTokens(text));
    expect(cache.count(text, countTextTokens, 100)).toBe(countTokens(text)); // kept now: exact, still over
  });
});

describe("countChatPromptTokens", () => {
  const messages = [{ role: "user" as const, content: "What is the weather in Paris?" }];
  const base = countChatPromptTokens({ messages });

  it("counts the tools a request offers and the response format it asks for", () => {
    const tools = [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Get the current weather for a city. ".repeat(50),
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
    ];
    expect(countChatPromptTokens({ messages, tools } as never)).toBe(base + countTokens(JSON.stringify(tools)));
    const format = { type: "json_schema", json_schema: { name: "w", schema: { type: "object" } } };
    expect(countChatPromptTokens({ messages, response_format: format } as never)).toBe(base + countTokens(JSON.stringify(format)));
  });

  it("counts an assistant's tool calls and the tool's answer", () => {
    const calls = [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }];
    const withCalls = countChatPromptTokens({
      messages: [...messages, { role: "assistant", content: null, tool_calls: calls } as never],
    });
    const withoutCalls = countChatPromptTokens({ messages: [...messages, { role: "assistant", content: null }] });
    expect(withCalls - withoutCalls).toBe(countTokens(JSON.stringify(calls)));
  });

  it("stops once the prompt is past its limit", () => {
    const long = "many words in a long document ".repeat(30_000);
    const counted = countChatPromptTokens({ messages: [{ role: "user", content: long }] }, 4_000);
    expect(counted).toBeGreaterThan(4_000);
    expect(counted).toBeLessThan(4_000 + 3_000);
  });
});

describe("countWithBreaks", () => {
  it("counts a small prompt at once, without a promise", () => {
    const request = { messages: [{ role: "user" as const, content: "hello there" }] };
    expect(countWithBreaks(chatPromptSteps(request))).toBe(countChatPromptTokens(request));
  });

  it("lets other work run while it counts a large prompt, and counts it exactly as in one go", async () => {
    const request = { messages: [{ role: "user" as const, content: "the quick brown fox jumps over the lazy dog ".repeat(20_000) }] };
    const exact = countChatPromptTokens(request);
    let ranMeanwhile = 0;
    const other = setInterval(() => ranMeanwhile++, 0);
    const counting = countWithBreaks(chatPromptSteps(request)); // 880 KB: too large to be cached
    expect(counting).toBeInstanceOf(Promise);
    const counted = await counting;
    clearInterval(other);
    expect(counted).toBe(exact);
    expect(ranMeanwhile).toBeGreaterThan(0);
  });

  it("counts a legacy completion's prompts in slices too", async () => {
    const long = "lorem ipsum dolor sit amet ".repeat(30_000);
    const counting = countWithBreaks(completionPromptSteps([long, "short"]));
    expect(counting).toBeInstanceOf(Promise);
    expect(await counting).toEqual([
      { text: long, tokens: countTokens(long) },
      { text: "short", tokens: countTokens("short") },
    ]);
  });
});

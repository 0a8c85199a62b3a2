// The simulated model answers deterministically: the same prompt, seed and choice give the same
// answer; each answer is 8…160 pieces, each one token (so usage matches a real tokenizer), capped by
// max_tokens.
import { countTokens } from "gpt-tokenizer";
import { describe, expect, it } from "vitest";
import { getEventListeners } from "node:events";
import { paced, promptHash, simulatedAnswer, sleep } from "@/lib/gateway/simulated-model";

const long = "You are a helpful assistant for Acme Corp. ".repeat(120);

describe("simulatedAnswer", () => {
  it("gives the same answer for the same prompt, seed and choice", () => {
    const a = simulatedAnswer(promptHash(long), 0, 500, 7);
    expect(simulatedAnswer(promptHash(`${long}`), 0, 500, 7)).toEqual(a);
    expect(simulatedAnswer(promptHash(long.slice(0, -1) + " "), 0, 500, 7)).toEqual(a);
  });

  it("hashes short prompts (in JavaScript) and long ones (natively) alike: same prompt, same answer; another, another", () => {
    for (const prompt of ["Say hello.", "x".repeat(256), "x".repeat(257), long]) {
      expect(simulatedAnswer(promptHash(prompt), 0, 500)).toEqual(simulatedAnswer(promptHash(prompt.slice()), 0, 500));
      expect(simulatedAnswer(promptHash(prompt + "!"), 0, 500).join("")).not.toBe(simulatedAnswer(promptHash(prompt), 0, 500).join(""));
    }
  });

  it("differs by prompt, seed and choice", () => {
    const base = simulatedAnswer(promptHash(long), 0, 500, 0).join("");
    expect(simulatedAnswer(promptHash(long + "?"), 0, 500, 0).join("")).not.toBe(base);
    expect(simulatedAnswer(promptHash(long), 0, 500, 1).join("")).not.toBe(base);
    expect(simulatedAnswer(promptHash(long), 1, 500, 0).join("")).not.toBe(base);
  });

  it("emits one token per piece, within max_tokens", () => {
    for (let i = 0; i < 300; i++) {
      const max = i % 2 ? 40 : 200;
      const pieces = simulatedAnswer(promptHash(`prompt ${i}`), 0, max);
      expect(pieces.length).toBeGreaterThanOrEqual(8);
      expect(pieces.length).toBeLessThanOrEqual(max);
      expect(countTokens(pieces.join(""))).toBe(pieces.length);
    }
  });
});

describe("pacing", () => {
  it("leaves no abort listener on the request's signal, however many times a long answer sleeps", async () => {
    const controller = new AbortController();
    const pieces = Array.from({ length: 40 }, (_, i) => `t${i}`);
    const out: string[] = [];
    for await (const piece of paced(pieces, { tokensPerSecond: 5_000, firstTokenMs: 1 }, controller.signal)) out.push(piece);
    expect(out).toEqual(pieces);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("an abort still ends a sleep at once", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const slept = sleep(10_000, controller.signal);
    controller.abort();
    await slept;
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

// The built-in simulated model: deterministic text (same prompt and seed → same answer), emitted
// one token at a time at the model's speed. Each emitted piece is one common English word with
// its leading space, or a full stop — a single token in o200k_base — so counts match a real tokenizer.
import { hash } from "node:crypto";
import { fnv1a } from "../hash";
const WORDS = (
  "the of and to in is that for it as was with be by on not he this are or his from at which but have an had they you were " +
  "their one all we can her has there been if more when will would who so no out up into do than time some could them other " +
  "its then two first any new may only these also now people over such most very after made well our just where years way many " +
  "system model request limit token data rate usage account value service capacity minute budget traffic growth response"
).split(" ");

export interface SimulatedSpeed {
  tokensPerSecond: number;
  firstTokenMs: number;
}

/** Up to this many characters a prompt is hashed in JavaScript; a longer one natively. */
const SHORT_PROMPT = 256;

/**
 * Seeds a deterministic answer from the prompt. A long prompt with native SHA-1: FNV-1a in
 * JavaScript over a 5.5 KB prompt took ~75 µs a request, a third of the gateway's CPU. A short one
 * (most) with FNV-1a: the native call's own cost (a Buffer, a digest object) was ~3 % of the
 * gateway's CPU per request for a one-line prompt.
 */
export function promptHash(text: string): number {
  return text.length <= SHORT_PROMPT ? fnv1a(text) : hash("sha1", text, "buffer").readUInt32LE(0);
}

function rng(seed: number): () => number {
  let s = seed || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** The pieces (tokens) of choice `index`'s answer to a prompt (its promptHash): 8…160 tokens, capped by max_tokens. */
export function simulatedAnswer(prompt: number, index: number, maxTokens: number, seed = 0): string[] {
  // The seed and the choice's index mixed into the prompt's hash.
  const next = rng(fnv1a(`${seed}:${index}`, prompt));
  const length = Math.min(maxTokens, 8 + Math.floor(next() * 153));
  const pieces: string[] = [];
  for (let i = 0; i < length; i++) {
    const word = WORDS[Math.floor(next() * WORDS.length)]!;
    // A sentence ends every twelve pieces: the full stop is a piece (a token) of its own.
    pieces.push(i === 0 ? word[0]!.toUpperCase() + word.slice(1) : i % 12 === 11 ? "." : ` ${word}`);
  }
  return pieces;
}

export function finishReason(pieces: string[], maxTokens: number): "stop" | "length" {
  return pieces.length >= maxTokens ? "length" : "stop";
}

/**
 * Resolves after `ms`, or at once when the signal aborts. Either way its abort listener goes: a
 * long answer sleeps hundreds of times on one request's signal.
 */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Wait as the model would before its first token, then between tokens. */
export async function* paced(pieces: string[], speed: SimulatedSpeed, signal?: AbortSignal): AsyncGenerator<string> {
  await sleep(speed.firstTokenMs, signal);
  const gap = speed.tokensPerSecond > 0 ? 1000 / speed.tokensPerSecond : 0;
  let owed = 0;
  for (const piece of pieces) {
    if (signal?.aborted) return;
    yield piece;
    owed += gap;
    // Sleep in ≥ 5 ms steps so fast models do not spin on timers.
    if (owed >= 5) {
      await sleep(owed, signal);
      owed = 0;
    }
  }
}

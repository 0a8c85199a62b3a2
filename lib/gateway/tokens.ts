// Prompt token counting with a real BPE tokenizer (o200k_base, gpt-tokenizer), the way OpenAI
// counts chat prompts: each message's content and name, plus a fixed overhead per message and
// per reply. Counts of message texts are cached (TokenCountCache below).
import { countTokens } from "gpt-tokenizer";
import type { ChatCompletionRequest, CompletionRequest } from "./schemas";

const PER_MESSAGE = 3;
const PER_REPLY = 3;

/**
 * BPE merges within one pre-token take time quadratic in its length: 200 KB of "x" (one "word")
 * took ~56 s of CPU — one request could stall the whole gateway. Runs of non-space characters
 * longer than this are counted in slices of this length (the count can differ by about one token
 * per slice, only for such runs; ordinary text is counted exactly as before).
 */
const MAX_RUN = 256;
const LONG_RUN = /\S{256,}/g;

/** countTokens, linear in the length of the text whatever its content. */
export function countTextTokens(text: string): number {
  if (text.length < MAX_RUN) return countTokens(text);
  let total = 0;
  let last = 0;
  for (const m of text.matchAll(LONG_RUN)) {
    total += countTokens(text.slice(last, m.index));
    const run = m[0];
    for (let i = 0; i < run.length;) {
      let end = Math.min(i + MAX_RUN, run.length);
      // Never cut a surrogate pair in two.
      if (end < run.length && /[\uD800-\uDBFF]/.test(run[end - 1]!)) end -= 1;
      total += countTokens(run.slice(i, end));
      i = end;
    }
    last = m.index + run.length;
  }
  return total + countTokens(text.slice(last));
}

/**
 * Token counts of recently seen texts. Chat clients send the same system prompt with every call and
 * resend the whole conversation each turn, and BPE costs ~30 ns per character on the request thread:
 * a 5.5 KB prompt took 175 µs, twice the rest of the gateway's work for a request, and even a short
 * message (4 µs) costs twenty times a lookup. Texts of `minChars` to an eighth of `maxChars`
 * characters are kept, in two generations of at most `maxChars` characters and `maxEntries` texts
 * each: when the current generation is full the previous one is dropped, and a text found there
 * moves to the current one — so what is in use stays, and the memory held is bounded.
 */
export class TokenCountCache {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private currentChars = 0;
  private previousChars = 0;
  private readonly maxChars: number;
  private readonly minChars: number;
  private readonly maxEntries: number;

  constructor(opts: { maxChars: number; minChars: number; maxEntries?: number }) {
    this.maxChars = opts.maxChars;
    this.minChars = opts.minChars;
    this.maxEntries = opts.maxEntries ?? Infinity;
  }

  /** Texts held by both generations. */
  get heldEntries(): number {
    return this.current.size + this.previous.size;
  }

  /** Characters held by both generations. */
  get heldChars(): number {
    return this.currentChars + this.previousChars;
  }

  count(text: string, counter: (text: string) => number): number {
    if (text.length < this.minChars || text.length > this.maxChars / 8) return counter(text);
    const hit = this.current.get(text);
    if (hit !== undefined) return hit;
    const n = this.previous.get(text) ?? counter(text);
    if (this.currentChars + text.length > this.maxChars || this.current.size >= this.maxEntries) {
      this.previous = this.current;
      this.previousChars = this.currentChars;
      this.current = new Map();
      this.currentChars = 0;
    }
    this.current.set(text, n);
    this.currentChars += text.length;
    return n;
  }
}

/** Per generation, 2M characters (2–4 MB of strings) and 50,000 texts (~5 MB of map entries). */
const cache = new TokenCountCache({ maxChars: 2_000_000, minChars: 8, maxEntries: 50_000 });
/** Roles are a handful of fixed words. */
const roleTokens = new Map<string, number>();

function countMessageText(text: string): number {
  return cache.count(text, countTextTokens);
}

function countRole(role: string): number {
  let n = roleTokens.get(role);
  if (n === undefined) {
    n = countTokens(role);
    if (roleTokens.size < 16) roleTokens.set(role, n);
  }
  return n;
}

function contentText(content: ChatCompletionRequest["messages"][number]["content"]): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part) => part.text ?? "").join("");
}

export function countChatPromptTokens(messages: ChatCompletionRequest["messages"]): number {
  let total = PER_REPLY;
  for (const m of messages) {
    total += PER_MESSAGE + countRole(m.role) + countMessageText(contentText(m.content));
    if (m.name) total += 1 + countTextTokens(m.name);
  }
  return total;
}

export function countCompletionPromptTokens(prompt: CompletionRequest["prompt"]): number {
  return countMessageText(typeof prompt === "string" ? prompt : prompt.join(""));
}

export function chatPromptText(messages: ChatCompletionRequest["messages"]): string {
  return messages.map((m) => contentText(m.content)).join("\n");
}

export function completionPromptText(prompt: CompletionRequest["prompt"]): string {
  return typeof prompt === "string" ? prompt : prompt.join("");
}

// Prompt token counting with a real BPE tokenizer (o200k_base, gpt-tokenizer), the way OpenAI
// counts chat prompts: each message's content and name, plus a fixed overhead per message and
// per reply. Counts of message texts are cached (TokenCountCache below).
import { countTokens, decode } from "gpt-tokenizer";
import { badRequest } from "../http/errors";
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
const LONG_RUN = /\S{256,}/;
const REST_OF_RUN = /\S*/y;
/**
 * Other text is counted in pieces of about this many characters, cut just before a space that
 * follows a non-space character. The tokenizer's pre-tokens never run across such a space (it
 * starts the next word), so the pieces' counts add up to the whole text's exactly — and counting
 * can stop between pieces once a prompt is known not to fit.
 */
const PIECE = 8_192;

/** Where the piece starting at `from` ends: before a space after a non-space, near `from + PIECE`. */
function pieceEnd(text: string, from: number, to: number): number {
  if (to - from <= PIECE) return to;
  for (let cut = text.lastIndexOf(" ", from + PIECE); cut > from; cut = text.lastIndexOf(" ", cut - 1)) {
    if (!/\s/.test(text[cut - 1]!)) return cut;
  }
  for (let cut = text.indexOf(" ", from + PIECE); cut > 0 && cut < to; cut = text.indexOf(" ", cut + 1)) {
    if (!/\s/.test(text[cut - 1]!)) return cut;
  }
  return to;
}

/**
 * Counting as steps: each generator below yields after every piece it counted (at most ~8 KB of
 * text, a fraction of a millisecond), so a caller may let other requests run between pieces
 * (countWithBreaks); `run` takes one to its end without stopping.
 */
export type CountingSteps<T> = Generator<void, T, void>;

export function run<T>(steps: CountingSteps<T>): T {
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/** Adds the tokens of text[from, to) to `total`, piece by piece, stopping once past `limit`. */
function* countSpan(text: string, from: number, to: number, total: number, limit: number): CountingSteps<number> {
  for (let i = from; i < to && total <= limit;) {
    const end = pieceEnd(text, i, to);
    total += countTokens(text.slice(i, end));
    i = end;
    yield;
  }
  return total;
}

/**
 * countTokens, linear in the length of the text whatever its content. With a `limit`, counting
 * stops once the count passes it (a prompt that cannot fit need not be counted to its end: a
 * 1 MB body took a second): the result is then some number above `limit`, not the count.
 */
export function countTextTokens(text: string, limit = Infinity): number {
  return text.length < MAX_RUN ? countTokens(text) : run(countTextSteps(text, limit));
}

function* countTextSteps(text: string, limit: number): CountingSteps<number> {
  let total = 0;
  let counted = 0;
  // The search for long runs goes a piece at a time too: one regular-expression pass over the whole
  // of a 528 KB prompt took 7 ms, a step four times the slice countWithBreaks allows.
  for (let from = 0; from < text.length && total <= limit;) {
    const to = Math.min(text.length, from + PIECE);
    const found = longRunIn(text, from, to);
    if (!found) {
      from = to;
      yield;
      continue;
    }
    total = yield* countSpan(text, counted, found.start, total, limit);
    const word = text.slice(found.start, found.end);
    for (let i = 0; i < word.length && total <= limit;) {
      let end = Math.min(i + MAX_RUN, word.length);
      // Never cut a surrogate pair in two.
      if (end < word.length && /[\uD800-\uDBFF]/.test(word[end - 1]!)) end -= 1;
      total += countTokens(word.slice(i, end));
      i = end;
      if (i % PIECE < MAX_RUN) yield;
    }
    counted = from = found.end;
  }
  if (total > limit) return total;
  return yield* countSpan(text, counted, text.length, total, limit);
}

/**
 * The first run of MAX_RUN or more non-space characters that starts in text[from, to), to its end
 * (which may lie past `to`), or null. `from` is never inside such a run: it is 0, the end of one, or
 * the `to` of an earlier search — which would have found any long run starting before it, since the
 * text searched reaches MAX_RUN - 1 characters past `to`.
 */
function longRunIn(text: string, from: number, to: number): { start: number; end: number } | null {
  const m = LONG_RUN.exec(text.slice(from, Math.min(text.length, to + MAX_RUN - 1)));
  if (!m || from + m.index >= to) return null;
  REST_OF_RUN.lastIndex = from + m.index + m[0].length;
  REST_OF_RUN.exec(text);
  return { start: from + m.index, end: REST_OF_RUN.lastIndex };
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

  /** With a `limit` (see countTextTokens), a count that stopped past it is returned but not kept. */
  count(text: string, counter: (text: string, limit: number) => number, limit = Infinity): number {
    if (!this.holds(text)) return counter(text, limit);
    const hit = this.current.get(text);
    if (hit !== undefined) return hit;
    const n = this.previous.get(text) ?? counter(text, limit);
    this.keep(text, n, limit);
    return n;
  }

  /** count(text, countTextTokens, limit) as counting steps (see CountingSteps). */
  *countSteps(text: string, limit = Infinity): CountingSteps<number> {
    if (!this.holds(text)) return yield* countTextSteps(text, limit);
    const hit = this.current.get(text);
    if (hit !== undefined) return hit;
    const n = this.previous.get(text) ?? (yield* countTextSteps(text, limit));
    this.keep(text, n, limit);
    return n;
  }

  private holds(text: string): boolean {
    return text.length >= this.minChars && text.length <= this.maxChars / 8;
  }

  /** Keeps a count not in the current generation (a count that stopped past its limit is not kept). */
  private keep(text: string, n: number, limit: number): void {
    if (n > limit) return;
    if (this.currentChars + text.length > this.maxChars || this.current.size >= this.maxEntries) {
      this.previous = this.current;
      this.previousChars = this.currentChars;
      this.current = new Map();
      this.currentChars = 0;
    }
    this.current.set(text, n);
    this.currentChars += text.length;
  }
}

/** Per generation, 2M characters (2–4 MB of strings) and 50,000 texts (~5 MB of map entries). */
const cache = new TokenCountCache({ maxChars: 2_000_000, minChars: 8, maxEntries: 50_000 });
/** Roles are a handful of fixed words. */
const roleTokens = new Map<string, number>();

function countMessageText(text: string, limit: number): number {
  return cache.count(text, countTextTokens, limit);
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

/**
 * A message's or a request's fields the model reads besides the text: the tools and functions it
 * may call, the schema its answer must follow, the calls an assistant message made. Counted as
 * their JSON (the model sees them rendered in a format of its own, of about that size) — a prompt
 * hidden in a tool's description is still a prompt, charged and rate-limited as one.
 */
const MESSAGE_EXTRAS = ["tool_calls", "function_call", "tool_call_id"] as const;
const REQUEST_EXTRAS = ["tools", "functions", "response_format", "tool_choice", "function_call"] as const;

function extrasText(holder: Record<string, unknown>, fields: readonly string[]): string {
  let text = "";
  for (const f of fields) {
    const v = holder[f];
    if (v !== undefined && v !== null) text += typeof v === "string" ? v : JSON.stringify(v);
  }
  return text;
}

/**
 * The prompt tokens of a chat request. With a `limit` (the model's context window less the
 * completion), counting stops once the prompt is known to exceed it; the result is then some
 * number above `limit`.
 */
export function countChatPromptTokens(request: Pick<ChatCompletionRequest, "messages">, limit = Infinity): number {
  return run(chatPromptSteps(request, limit));
}

/** countChatPromptTokens as counting steps (see CountingSteps). */
export function* chatPromptSteps(request: Pick<ChatCompletionRequest, "messages">, limit = Infinity): CountingSteps<number> {
  let total = PER_REPLY;
  const extras = extrasText(request as Record<string, unknown>, REQUEST_EXTRAS);
  if (extras) total += yield* cache.countSteps(extras, limit - total);
  for (const m of request.messages) {
    if (total > limit) return total;
    const text = contentText(m.content);
    // A short text is counted at once (no steps to take: the common case, kept cheap).
    const tokens = text.length < MAX_RUN ? countMessageText(text, limit - total) : yield* cache.countSteps(text, limit - total);
    total += PER_MESSAGE + countRole(m.role) + tokens;
    if (m.name) total += 1 + countTextTokens(m.name);
    const calls = extrasText(m, MESSAGE_EXTRAS);
    if (calls) total += yield* cache.countSteps(calls, limit - total);
  }
  return total;
}

/**
 * A completion request's prompts (OpenAI's legacy endpoint takes one string, several, or token ids):
 * each one's text, for the simulated model, and its token count (stopping once past `limit`).
 */
export function completionPrompts(prompt: CompletionRequest["prompt"], limit = Infinity): { text: string; tokens: number }[] {
  return run(completionPromptSteps(prompt, limit));
}

/** completionPrompts as counting steps (see CountingSteps). */
export function* completionPromptSteps(
  prompt: CompletionRequest["prompt"],
  limit = Infinity,
): CountingSteps<{ text: string; tokens: number }[]> {
  if (typeof prompt === "string") return [{ text: prompt, tokens: yield* cache.countSteps(prompt, limit) }];
  if (prompt.every((p) => typeof p === "string")) {
    const counted: { text: string; tokens: number }[] = [];
    for (const text of prompt as string[]) counted.push({ text, tokens: yield* cache.countSteps(text, limit) });
    return counted;
  }
  if (prompt.every((p) => typeof p === "number")) return [{ text: decodeIds(prompt as number[]), tokens: prompt.length }];
  return (prompt as number[][]).map((ids) => ({ text: decodeIds(ids), tokens: ids.length }));
}

/**
 * Takes counting steps until done, letting other work run every SLICE_MS: a prompt of a few hundred
 * kilobytes takes tens of milliseconds to count, and counted in one go it held up every other
 * request on the gateway for as long. Synchronous (no promise) when the counting ends within one
 * slice, as it does for all but large prompts.
 */
export function countWithBreaks<T>(steps: CountingSteps<T>): T | Promise<T> {
  const until = performance.now() + SLICE_MS;
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    if (performance.now() > until) return countLater(steps);
  }
}

const SLICE_MS = 2;

async function countLater<T>(steps: CountingSteps<T>): Promise<T> {
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const until = performance.now() + SLICE_MS;
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      if (performance.now() > until) break;
    }
  }
}

/** Token ids as text; an id the vocabulary lacks (it has gaps) is the client's error, named. */
function decodeIds(ids: number[]): string {
  try {
    return decode(ids);
  } catch {
    const unknown = ids.find((id) => {
      try {
        decode([id]);
        return false;
      } catch {
        return true;
      }
    });
    throw badRequest(`prompt: ${unknown ?? "a token id"} is not a token id of the o200k_base vocabulary.`, "prompt");
  }
}

export function chatPromptText(messages: ChatCompletionRequest["messages"]): string {
  return messages.map((m) => contentText(m.content)).join("\n");
}

// Prompt token counting with a real BPE tokenizer (o200k_base, gpt-tokenizer), the way OpenAI
// counts chat prompts: each message's content and name, plus a fixed overhead per message and
// per reply.
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

function contentText(content: ChatCompletionRequest["messages"][number]["content"]): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part) => part.text ?? "").join("");
}

export function countChatPromptTokens(messages: ChatCompletionRequest["messages"]): number {
  let total = PER_REPLY;
  for (const m of messages) {
    total += PER_MESSAGE + countTokens(m.role) + countTextTokens(contentText(m.content));
    if (m.name) total += 1 + countTextTokens(m.name);
  }
  return total;
}

export function countCompletionPromptTokens(prompt: CompletionRequest["prompt"]): number {
  return countTextTokens(typeof prompt === "string" ? prompt : prompt.join(""));
}

export function chatPromptText(messages: ChatCompletionRequest["messages"]): string {
  return messages.map((m) => contentText(m.content)).join("\n");
}

export function completionPromptText(prompt: CompletionRequest["prompt"]): string {
  return typeof prompt === "string" ? prompt : prompt.join("");
}

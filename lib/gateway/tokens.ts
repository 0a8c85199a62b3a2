// Prompt token counting with a real BPE tokenizer (o200k_base, gpt-tokenizer), the way OpenAI
// counts chat prompts: each message's content and name, plus a fixed overhead per message and
// per reply.
import { countTokens } from "gpt-tokenizer";
import type { ChatCompletionRequest, CompletionRequest } from "./schemas";

const PER_MESSAGE = 3;
const PER_REPLY = 3;

function contentText(content: ChatCompletionRequest["messages"][number]["content"]): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part) => part.text ?? "").join("");
}

export function countChatPromptTokens(messages: ChatCompletionRequest["messages"]): number {
  let total = PER_REPLY;
  for (const m of messages) {
    total += PER_MESSAGE + countTokens(m.role) + countTokens(contentText(m.content));
    if (m.name) total += 1 + countTokens(m.name);
  }
  return total;
}

export function countCompletionPromptTokens(prompt: CompletionRequest["prompt"]): number {
  return countTokens(typeof prompt === "string" ? prompt : prompt.join(""));
}

export function chatPromptText(messages: ChatCompletionRequest["messages"]): string {
  return messages.map((m) => contentText(m.content)).join("\n");
}

export function completionPromptText(prompt: CompletionRequest["prompt"]): string {
  return typeof prompt === "string" ? prompt : prompt.join("");
}

// OpenAI response objects and SSE chunks for chat and text completions.
import type { InferenceKind } from "./schemas";

export interface ChoiceResult {
  index: number;
  text: string;
  finishReason: "stop" | "length";
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

export function completionObject(
  kind: InferenceKind,
  id: string,
  model: string,
  created: number,
  choices: ChoiceResult[],
  usage: Usage,
): unknown {
  if (kind === "chat") {
    return {
      id: `chatcmpl-${id}`,
      object: "chat.completion",
      created,
      model,
      choices: choices.map((c) => ({
        index: c.index,
        message: { role: "assistant", content: c.text, refusal: null },
        logprobs: null,
        finish_reason: c.finishReason,
      })),
      usage,
      system_fingerprint: "headroom-sim",
    };
  }
  return {
    id: `cmpl-${id}`,
    object: "text_completion",
    created,
    model,
    choices: choices.map((c) => ({ index: c.index, text: c.text, logprobs: null, finish_reason: c.finishReason })),
    usage,
  };
}

export function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export const SSE_DONE = "data: [DONE]\n\n";

export function chunkObject(
  kind: InferenceKind,
  id: string,
  model: string,
  created: number,
  index: number,
  delta: { role?: "assistant"; content?: string },
  finishReason: "stop" | "length" | null,
  /** stream_options.include_usage: every chunk but the last carries `"usage": null`, as OpenAI's do. */
  withUsage = false,
): unknown {
  const usage = withUsage ? { usage: null } : {};
  if (kind === "chat") {
    return {
      id: `chatcmpl-${id}`,
      object: "chat.completion.chunk",
      created,
      model,
      system_fingerprint: "headroom-sim",
      choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
      ...usage,
    };
  }
  return {
    id: `cmpl-${id}`,
    object: "text_completion",
    created,
    model,
    choices: [{ index, text: delta.content ?? "", logprobs: null, finish_reason: finishReason }],
    ...usage,
  };
}

export function usageChunk(kind: InferenceKind, id: string, model: string, created: number, usage: Usage): unknown {
  return {
    id: kind === "chat" ? `chatcmpl-${id}` : `cmpl-${id}`,
    object: kind === "chat" ? "chat.completion.chunk" : "text_completion",
    created,
    model,
    choices: [],
    usage,
  };
}

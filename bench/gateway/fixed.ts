// The fixed chat completion both baselines return (same size as a small real answer).
export const FIXED_COMPLETION = {
  id: "chatcmpl-baseline",
  object: "chat.completion",
  created: 1764000000,
  model: "baseline",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "The quick brown fox jumps over the lazy dog." },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
};

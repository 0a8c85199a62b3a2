// Baseline (b): a bare Next.js route handler that parses the body and returns a fixed completion
// (the same object as bench/gateway/fixed.ts; inlined because Next builds only its own folder).
const FIXED_COMPLETION = {
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

export async function POST(req: Request) {
  await req.json();
  return Response.json(FIXED_COMPLETION);
}

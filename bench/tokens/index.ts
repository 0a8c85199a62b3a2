// npm run bench:tokens — what counting a request's prompt tokens costs the gateway's request thread:
// a short prompt and a 5.5 KB conversation (a system prompt and eight turns), each counted with
// texts never seen before (the tokenizer's full cost, the baseline) and as clients send them —
// the same system prompt and history again (answered by the token-count cache).
import { countChatPromptTokens } from "../../lib/gateway/tokens";
import type { ChatCompletionRequest } from "../../lib/gateway/schemas";
import { CONVERSATION_SYSTEM, CONVERSATION_TURN } from "../gateway/load";

type Messages = ChatCompletionRequest["messages"];

function conversation(tag: string): Messages {
  return [
    { role: "system", content: `${tag} ${CONVERSATION_SYSTEM}` },
    ...Array.from({ length: 8 }, (_, i) => ({
      role: i % 2 ? ("assistant" as const) : ("user" as const),
      content: `${tag} turn ${i}: ${CONVERSATION_TURN}`,
    })),
  ];
}
const short = (tag: string): Messages => [{ role: "user", content: `${tag} Say hello to the benchmark, please, in one short line.` }];

/** µs per count over n calls; `make(i)` builds the i-th request's messages before the timed loop. */
function measure(n: number, make: (i: number) => Messages): { us: number; tokens: number } {
  const inputs = Array.from({ length: n }, (_, i) => make(i));
  const started = performance.now();
  let tokens = 0;
  for (const m of inputs) tokens += countChatPromptTokens({ messages: m });
  return { us: ((performance.now() - started) * 1000) / n, tokens: tokens / n };
}

let unique = 0;
console.log("Prompt token counting (o200k_base), µs per request on one thread\n");
console.log("prompt".padEnd(34) + "tokens".padStart(8) + "   new texts".padStart(14) + "   seen before".padStart(15) + "   ratio");
for (const [name, make, n] of [
  ["short user message", short, 20_000],
  ["5.5 KB system prompt + 8 turns", conversation, 2_000],
] as const) {
  measure(n / 4, () => make(`warm-${unique++}`)); // JIT warm-up
  const fresh = measure(n, () => make(`u-${unique++}`));
  // Parsed afresh for each request, as the gateway gets them: new strings, whose hash is not yet known.
  const same = JSON.stringify(make("same"));
  const seen = measure(n, () => JSON.parse(same) as Messages);
  console.log(
    name.padEnd(34) +
      fresh.tokens.toFixed(0).padStart(8) +
      fresh.us.toFixed(2).padStart(14) +
      seen.us.toFixed(2).padStart(15) +
      `${(fresh.us / seen.us).toFixed(1)}×`.padStart(8),
  );
}

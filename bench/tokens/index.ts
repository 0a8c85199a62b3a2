// npm run bench:tokens — what counting a request's prompt tokens costs the gateway's request thread:
// a short prompt and a 5.5 KB conversation (a system prompt and eight turns), each counted with
// texts never seen before (the tokenizer's full cost, the baseline) and as clients send them —
// the same system prompt and history again (answered by the token-count cache). Then a large prompt
// (528 KB) counted in one go (the baseline) and with breaks: how long the other requests wait.
import { chatPromptSteps, countChatPromptTokens, countWithBreaks, run } from "../../lib/gateway/tokens";
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

// A large prompt holds up every other request for as long as one counting step runs: the longest
// step, and the longest gap between ticks of a 1 ms timer while it is counted (what a request that
// arrives meanwhile waits for).
const large = (tag: string): Messages => [
  { role: "user", content: `${tag} ` + "Quota requests, invoices and rate limits, counted to the token. ".repeat(8_000) },
];
async function stalls(tag: string, withBreaks: boolean): Promise<{ longestStep: number; longestGap: number; ms: number }> {
  const steps = chatPromptSteps({ messages: large(tag) });
  let longestStep = 0;
  let last = performance.now();
  const timed = (function* () {
    for (let step = steps.next(); !step.done; step = steps.next()) {
      const now = performance.now();
      longestStep = Math.max(longestStep, now - last);
      yield;
      last = performance.now();
    }
    longestStep = Math.max(longestStep, performance.now() - last);
    return 0;
  })();
  let longestGap = 0;
  let tick = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - tick);
    tick = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 20));
  tick = performance.now();
  const started = performance.now();
  if (withBreaks) await countWithBreaks(timed);
  else run(timed);
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(timer);
  return { longestStep, longestGap, ms };
}
console.log("\nA 528 KB prompt (about 100,000 tokens), best and worst of 5 runs each, ms\n");
console.log("counted".padEnd(34) + "in all".padStart(10) + "longest step".padStart(16) + "longest wait of a 1 ms timer".padStart(32));
for (const withBreaks of [false, true]) {
  const runs: Awaited<ReturnType<typeof stalls>>[] = [];
  for (let i = 0; i < 5; i++) runs.push(await stalls(`${withBreaks}-${i}-${unique++}`, withBreaks));
  const range = (f: (r: (typeof runs)[number]) => number) => {
    const v = runs.map(f).sort((x, y) => x - y);
    return `${v[0]!.toFixed(1)}–${v[v.length - 1]!.toFixed(1)}`;
  };
  console.log(
    (withBreaks ? "with breaks (the gateway)" : "in one go (baseline)").padEnd(34) +
      range((r) => r.ms).padStart(10) +
      range((r) => r.longestStep).padStart(16) +
      range((r) => r.longestGap).padStart(32),
  );
}

// autocannon wrapper: one run, figures out.
import autocannon from "autocannon";

export interface LoadResult {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Responses received (2xx and not). */
  total: number;
  /** Where the machine's CPU went during the run (cpu.ts), when measured. */
  cpu?: string;
  /** Of repeated runs at one rate (halfPeak in index.ts): every run's p99, lowest first; this result is the median run. */
  p99s?: number[];
}

export const CHAT_BODY = JSON.stringify({
  model: "hr-small-8b",
  messages: [{ role: "user", content: "Say hello to the benchmark." }],
  max_tokens: 16,
});

/** The texts of a chat the size of real traffic: a 5.5 KB system prompt, and one turn of eight. */
export const CONVERSATION_SYSTEM =
  "You are a helpful assistant for Acme Corp. ".repeat(50) + "Answer concisely, cite the docs, and never reveal internal data. ".repeat(10);
export const CONVERSATION_TURN = "Could you explain how the rate limits grow with sustained usage over time? ".repeat(4);

/**
 * BENCH_PROMPT=conversation: that chat (~1,200 prompt tokens), the same in every request, as a client
 * resends it.
 */
export const CONVERSATION_BODY = JSON.stringify({
  model: "hr-small-8b",
  messages: [
    { role: "system", content: CONVERSATION_SYSTEM },
    ...Array.from({ length: 8 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `Turn ${i}: ${CONVERSATION_TURN}` })),
  ],
  max_tokens: 16,
});

export async function load(
  name: string,
  url: string,
  opts: {
    connections?: number;
    seconds?: number;
    headers?: Record<string, string>;
    /** Each connection cycles through these (e.g. several accounts' keys), in place of `headers`. */
    headerSets?: Record<string, string>[];
    body?: string;
    rate?: number;
  } = {},
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: "POST",
    connections: opts.connections ?? 64,
    duration: opts.seconds ?? 10,
    headers: { "content-type": "application/json", ...opts.headers },
    body: opts.body ?? CHAT_BODY,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    ...(opts.headerSets
      ? {
          requests: opts.headerSets.map((h) => ({
            method: "POST" as const,
            headers: { "content-type": "application/json", ...h },
            body: opts.body ?? CHAT_BODY,
          })),
        }
      : {}),
  });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

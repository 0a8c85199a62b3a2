// Where completions come from: the built-in simulated model, or a real OpenAI-compatible upstream
// (UPSTREAM_BASE_URL). Both yield the same events, so the pipeline streams, meters and settles the
// same way; for an upstream, its reported usage is what gets charged (SPEC §7).
import { AppError } from "../http/errors";
import type { CatalogModel } from "./catalog";
import type { InferenceKind } from "./schemas";
import { finishReason, paced, simulatedAnswer } from "./simulated-model";

export type GenerationEvent =
  | { type: "delta"; index: number; text: string; tokens: number }
  | { type: "finish"; index: number; reason: "stop" | "length" }
  | { type: "usage"; promptTokens: number; completionTokens: number };

export interface GenerationInput {
  kind: InferenceKind;
  model: CatalogModel;
  body: Record<string, unknown>;
  prompt: string;
  n: number;
  maxTokens: number;
  signal: AbortSignal;
}

export interface Backend {
  generate(input: GenerationInput): AsyncGenerator<GenerationEvent>;
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export class SimulatedBackend implements Backend {
  async *generate(input: GenerationInput): AsyncGenerator<GenerationEvent> {
    const speed = {
      tokensPerSecond: envNumber("HEADROOM_SIM_TOKENS_PER_SECOND") ?? input.model.tokensPerSecond,
      firstTokenMs: envNumber("HEADROOM_SIM_FIRST_TOKEN_MS") ?? input.model.firstTokenMs,
    };
    const seed = typeof input.body.seed === "number" ? input.body.seed : 0;
    for (let index = 0; index < input.n; index++) {
      const pieces = simulatedAnswer(input.prompt, index, input.maxTokens, seed);
      for await (const piece of paced(pieces, index === 0 ? speed : { ...speed, firstTokenMs: 0 }, input.signal)) {
        yield { type: "delta", index, text: piece, tokens: 1 };
      }
      if (input.signal.aborted) return;
      yield { type: "finish", index, reason: finishReason(pieces, input.maxTokens) };
    }
  }
}

/** Proxies to an OpenAI-compatible server, always streaming from it so abandonment is cheap. */
export class UpstreamBackend implements Backend {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  async *generate(input: GenerationInput): AsyncGenerator<GenerationEvent> {
    const path = input.kind === "chat" ? "/chat/completions" : "/completions";
    const body = { ...input.body, stream: true, stream_options: { include_usage: true } };
    let res: Response;
    try {
      res = await fetch(this.baseUrl.replace(/\/$/, "") + path, {
        method: "POST",
        headers: { "content-type": "application/json", ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
        body: JSON.stringify(body),
        signal: input.signal,
      });
    } catch {
      throw new AppError("service_unavailable", "The upstream model server is unreachable.");
    }
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => "");
      throw new AppError(
        res.status === 400 ? "invalid_request_error" : "service_unavailable",
        `Upstream answered ${res.status}: ${text.slice(0, 300)}`,
      );
    }
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        if (data === "[DONE]") return;
        let parsed: UpstreamChunk;
        try {
          parsed = JSON.parse(data) as UpstreamChunk;
        } catch {
          continue;
        }
        for (const c of parsed.choices ?? []) {
          const text = c.delta?.content ?? c.text ?? "";
          if (text) yield { type: "delta", index: c.index ?? 0, text, tokens: 0 };
          if (c.finish_reason) yield { type: "finish", index: c.index ?? 0, reason: c.finish_reason === "length" ? "length" : "stop" };
        }
        if (parsed.usage)
          yield { type: "usage", promptTokens: parsed.usage.prompt_tokens ?? 0, completionTokens: parsed.usage.completion_tokens ?? 0 };
      }
    }
  }
}

interface UpstreamChunk {
  choices?: { index?: number; delta?: { content?: string | null }; text?: string; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

let backend: Backend | undefined;
export function defaultBackend(): Backend {
  if (backend) return backend;
  const upstream = process.env.UPSTREAM_BASE_URL;
  backend = upstream ? new UpstreamBackend(upstream, process.env.UPSTREAM_API_KEY) : new SimulatedBackend();
  return backend;
}

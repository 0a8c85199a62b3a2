// Where completions come from: the built-in simulated model, or a real OpenAI-compatible upstream
// (UPSTREAM_BASE_URL). Both yield the same events, so the pipeline streams, meters and settles the
// same way; for an upstream, its reported usage is what gets charged (SPEC §7).
import { countTokens } from "gpt-tokenizer";
import { z } from "zod";
import { env } from "../env";
import { AppError } from "../http/errors";
import { log } from "../log";
import type { CatalogModel } from "./catalog";
import type { ChoiceResult } from "./openai-shapes";
import type { InferenceKind } from "./schemas";
import { finishReason, paced, promptHash, simulatedAnswer, sleep, type SimulatedSpeed } from "./simulated-model";

export type GenerationEvent =
  | { type: "delta"; index: number; text: string; tokens: number }
  | { type: "finish"; index: number; reason: "stop" | "length" }
  | { type: "usage"; promptTokens: number; completionTokens: number };

export interface GenerationInput {
  kind: InferenceKind;
  model: CatalogModel;
  body: Record<string, unknown>;
  /** The prompts' texts: one, or a legacy completion's several, each answered with n / prompts.length choices. */
  prompts: readonly string[];
  /** Choices in all. */
  n: number;
  maxTokens: number;
  signal: AbortSignal;
}

/** A whole answer: the choices and the tokens they hold, plus the upstream's own count if it sent one. */
export interface Completion {
  choices: ChoiceResult[];
  completionTokens: number;
  upstreamUsage: { promptTokens: number; completionTokens: number } | null;
  /** The client went away mid-answer: this is what was generated until then. */
  abandoned: boolean;
}

export interface Backend {
  /**
   * The prompt tokens to reserve spend for, given Headroom's count: what this backend may charge for
   * them. An upstream counts with its own tokenizer (often more tokens than o200k_base), and a
   * charge is capped at the reservation, so it gets a margin.
   */
  reservedPromptTokens(counted: number): number;
  /**
   * Token by token, for streamed responses: resolves once the answer has begun (an upstream has
   * accepted the request), so that a refusal is still an error response, not a 200 with an empty
   * stream. The events throw an AppError if the answer fails midway.
   */
  stream(input: GenerationInput): Promise<AsyncGenerator<GenerationEvent>>;
  /** The whole answer at once, for non-streamed responses; if the client goes away, what was generated. */
  complete(input: GenerationInput): Promise<Completion>;
}

/**
 * Collect a token stream into a whole answer (a backend with nothing better to do for complete()).
 * If the client goes away (`signal` aborted), what was generated until then — it is charged.
 */
export async function collect(events: AsyncIterable<GenerationEvent>, n: number, signal?: AbortSignal): Promise<Completion> {
  const texts: string[][] = Array.from({ length: n }, () => []);
  const reasons: ("stop" | "length")[] = Array.from({ length: n }, () => "stop");
  let counted = 0;
  let upstreamUsage: Completion["upstreamUsage"] = null;
  let abandoned = false;
  try {
    for await (const e of events) {
      if (e.type === "delta") {
        texts[e.index]?.push(e.text);
        counted += e.tokens;
      } else if (e.type === "finish") reasons[e.index] = e.reason;
      else upstreamUsage = { promptTokens: e.promptTokens, completionTokens: e.completionTokens };
    }
  } catch (err) {
    if (!signal?.aborted) throw err;
    abandoned = true;
  }
  const choices = texts.map((t, index) => ({ index, text: t.join(""), finishReason: reasons[index]! }));
  return { choices, completionTokens: counted || countTokens(choices.map((c) => c.text).join("")), upstreamUsage, abandoned };
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export class SimulatedBackend implements Backend {
  reservedPromptTokens(counted: number): number {
    return counted;
  }

  // Read once: the environment's override of every model's speed (HEADROOM_SIM_*).
  private readonly override = {
    tokensPerSecond: envNumber("HEADROOM_SIM_TOKENS_PER_SECOND"),
    firstTokenMs: envNumber("HEADROOM_SIM_FIRST_TOKEN_MS"),
  };

  private speed(model: CatalogModel): SimulatedSpeed {
    return {
      tokensPerSecond: this.override.tokensPerSecond ?? model.tokensPerSecond,
      firstTokenMs: this.override.firstTokenMs ?? model.firstTokenMs,
    };
  }

  private answers(input: GenerationInput): string[][] {
    const seed = typeof input.body.seed === "number" ? input.body.seed : 0;
    const hashes = input.prompts.map(promptHash);
    const perPrompt = input.n / hashes.length;
    // Choice i answers prompt ⌊i / perPrompt⌋, as OpenAI numbers them.
    return Array.from({ length: input.n }, (_, index) =>
      simulatedAnswer(hashes[Math.floor(index / perPrompt)]!, index % perPrompt, input.maxTokens, seed),
    );
  }

  stream(input: GenerationInput): Promise<AsyncGenerator<GenerationEvent>> {
    return Promise.resolve(this.generate(input));
  }

  private async *generate(input: GenerationInput): AsyncGenerator<GenerationEvent> {
    const speed = this.speed(input.model);
    const answers = this.answers(input);
    for (let index = 0; index < answers.length; index++) {
      const pieces = answers[index]!;
      for await (const piece of paced(pieces, index === 0 ? speed : { ...speed, firstTokenMs: 0 }, input.signal)) {
        yield { type: "delta", index, text: piece, tokens: 1 };
      }
      if (input.signal.aborted) return;
      yield { type: "finish", index, reason: finishReason(pieces, input.maxTokens) };
    }
  }

  /** The same answer generate() streams, after the same time, in one wait instead of one per token. */
  async complete(input: GenerationInput): Promise<Completion> {
    const speed = this.speed(input.model);
    const answers = this.answers(input);
    const total = answers.reduce((sum, pieces) => sum + pieces.length, 0);
    const gap = speed.tokensPerSecond > 0 ? 1000 / speed.tokensPerSecond : 0;
    let produced = total;
    let abandoned = false;
    const wait = speed.firstTokenMs + total * gap;
    if (wait > 0) {
      const started = performance.now();
      await sleep(wait, input.signal);
      // Gone early: only the tokens generated by then, choice after choice, as generate() would have.
      if (input.signal.aborted) {
        abandoned = true;
        const elapsed = performance.now() - started - speed.firstTokenMs;
        produced = gap > 0 ? Math.max(0, Math.min(total, Math.floor(elapsed / gap))) : 0;
      }
    }
    let left = produced;
    const choices = answers.map((pieces, index) => {
      const kept = pieces.length <= left ? pieces : pieces.slice(0, left);
      left -= kept.length;
      return { index, text: kept.join(""), finishReason: finishReason(pieces, input.maxTokens) };
    });
    return { choices, completionTokens: produced, upstreamUsage: null, abandoned };
  }
}

/**
 * Proxies to an OpenAI-compatible server, always streaming from it so abandonment is cheap. The
 * completion's length is capped at what admission reserved: `max_tokens` (or the client's
 * `max_completion_tokens`) is always sent, so an upstream's default cannot run past the reservation.
 */
export class UpstreamBackend implements Backend {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    /** Where a chat request's cap goes when the client named no field (UPSTREAM_MAX_TOKENS_FIELD). */
    private readonly chatCapField: "max_tokens" | "max_completion_tokens" = "max_tokens",
  ) {}

  /** A quarter more, and 32 for a chat template's own tokens. */
  reservedPromptTokens(counted: number): number {
    return counted + Math.ceil(counted / 4) + 32;
  }

  async complete(input: GenerationInput): Promise<Completion> {
    return collect(await this.stream(input), input.n, input.signal);
  }

  async stream(input: GenerationInput): Promise<AsyncGenerator<GenerationEvent>> {
    const path = input.kind === "chat" ? "/chat/completions" : "/completions";
    // The field the client used (legacy completions have only max_tokens), else the configured one;
    // never both, and never an uncapped one the upstream might honour past the reservation.
    const cap =
      input.kind === "completion"
        ? "max_tokens"
        : input.body.max_completion_tokens != null
          ? "max_completion_tokens"
          : input.body.max_tokens != null
            ? "max_tokens"
            : this.chatCapField;
    const body = {
      ...input.body,
      max_tokens: undefined,
      max_completion_tokens: undefined,
      stream: true,
      stream_options: { include_usage: true },
      [cap]: input.maxTokens,
    };
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
    return this.events(res.body as unknown as AsyncIterable<Uint8Array>, input);
  }

  /**
   * The upstream's SSE stream as events. It must end with [DONE] (or with every choice finished):
   * an error event or a stream cut short is an error, not a shorter answer.
   */
  private async *events(body: AsyncIterable<Uint8Array>, input: GenerationInput): AsyncGenerator<GenerationEvent> {
    const decoder = new TextDecoder();
    const started = new Set<number>();
    const finished = new Set<number>();
    let buffer = "";
    for await (const chunk of cutShortAsError(body, input.signal)) {
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
        if (parsed.error !== undefined && parsed.error !== null) {
          const message = typeof parsed.error === "object" && typeof parsed.error.message === "string" ? parsed.error.message : "";
          throw new AppError(
            "service_unavailable",
            `The upstream model server failed mid-answer: ${message.slice(0, 300) || "no reason given"}`,
          );
        }
        for (const c of parsed.choices ?? []) {
          started.add(c.index ?? 0);
          const text = c.delta?.content ?? c.text ?? "";
          if (text) yield { type: "delta", index: c.index ?? 0, text, tokens: 0 };
          if (c.finish_reason) {
            finished.add(c.index ?? 0);
            yield { type: "finish", index: c.index ?? 0, reason: c.finish_reason === "length" ? "length" : "stop" };
          }
        }
        if (parsed.usage) {
          const usage = upstreamUsageSchema.safeParse(parsed.usage);
          if (usage.success)
            yield { type: "usage", promptTokens: usage.data.prompt_tokens, completionTokens: usage.data.completion_tokens };
          // Not a pair of token counts (negative, fractional, missing, text…): charged by our own
          // count instead — never a refund by accident, never a record the database must refuse.
          else log.warn("upstream reported usage that is not a token count; charging Headroom's own count", { usage: parsed.usage });
        }
      }
    }
    // No [DONE]: complete only if every choice it began was finished (an upstream may ignore n).
    if (started.size === 0 || [...started].some((i) => !finished.has(i))) throw new AppError("service_unavailable", CUT_SHORT);
  }
}

const CUT_SHORT = "The upstream model server ended the answer before it was complete.";

/** The upstream's body; its connection lost midway is an AppError (a client's leaving is not). */
async function* cutShortAsError(body: AsyncIterable<Uint8Array>, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (err) {
    if (signal.aborted || err instanceof AppError) throw err;
    throw new AppError("service_unavailable", `${CUT_SHORT} (${err instanceof Error ? err.message : "connection lost"})`);
  }
}

/** Token counts an upstream reports: whole, not negative, within the usage record's columns. */
const tokenCount = z.number().int().nonnegative().max(2_147_483_647);
const upstreamUsageSchema = z.object({ prompt_tokens: tokenCount, completion_tokens: tokenCount });

interface UpstreamChunk {
  choices?: { index?: number; delta?: { content?: string | null }; text?: string; finish_reason?: string | null }[];
  usage?: unknown;
  error?: { message?: unknown } | string | null;
}

let backend: Backend | undefined;
export function defaultBackend(): Backend {
  if (backend) return backend;
  const upstream = process.env.UPSTREAM_BASE_URL;
  backend = upstream
    ? new UpstreamBackend(upstream, process.env.UPSTREAM_API_KEY, env().UPSTREAM_MAX_TOKENS_FIELD)
    : new SimulatedBackend();
  return backend;
}

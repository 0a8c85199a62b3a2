// A request's cost vector (SPEC §6 admission): n completions count as n requests, and n × max_tokens
// generated tokens are reserved up front (the policy's default when the request names none).
import type { Policy } from "./policy";
import type { Cost } from "./types";

export interface CostInput {
  /** Completions requested (OpenAI `n`), ≥ 1. */
  n: number;
  /** Prompt tokens, counted with a real tokenizer. */
  promptTokens: number;
  /** max_tokens / max_completion_tokens; undefined → policy.defaultMaxTokens. */
  maxTokens?: number | undefined;
}

export function costOf(input: CostInput, policy: Policy): Cost {
  const maxTokens = input.maxTokens ?? policy.defaultMaxTokens;
  return { requests: input.n, tokensPrompt: input.promptTokens, tokensGenerated: input.n * maxTokens };
}

/** The stores trust costs only this far: whole, non-negative and small enough to count exactly. */
export function assertValidCost(cost: Cost): void {
  if (!countable(cost.requests) || !countable(cost.tokensPrompt) || !countable(cost.tokensGenerated)) {
    throw new RangeError(`invalid rate-limit cost ${JSON.stringify(cost)}`);
  }
}

function countable(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_COST;
}

/** Scaled by 60000 this stays below 2^53 (exact in JS and Lua). */
const MAX_COST = 1e10;

// Per-model rate-limit policy (SPEC §6): plain data, mirrored by the Prisma model RateLimitPolicy.
// Operators edit these numbers; everything else in lib/limits is a pure function of them.
import { z } from "zod";

export interface Policy {
  /** RPM with no sustained usage; the limit never decays below it. */
  baseRpm: number;
  /** RPM the limit never grows above. */
  capRpm: number;
  /** RPM gained per sustained minute: L = min(cap, max(base, growth × sustainedMinutes)). */
  growthRpmPerMinute: number;
  /** ITPM = tokensPromptPerRequest × RPM. */
  tokensPromptPerRequest: number;
  /** OTPM = tokensGeneratedPerReq × RPM. */
  tokensGeneratedPerReq: number;
  /** A minute whose usage reaches this % of the limit (any dimension) is a sustained minute. */
  sustainThresholdPct: number;
  /** A minute whose usage stays below this % of the limit (every dimension) is idle and decays growth. */
  idleThresholdPct: number;
  /** Idle minutes after which the grown part of the limit has halved. */
  decayHalfLifeMinutes: number;
  /** h: a request is rejected when it would push a bucket below −(h−1)·L. */
  hardMultiplier: number;
  /** While the model runs above this % of its capacity, no limit grows. */
  growthGatePct: number;
  /** Generated tokens reserved per completion when the request names no max_tokens. */
  defaultMaxTokens: number;
}

export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  baseRpm: 60,
  capRpm: 2000,
  growthRpmPerMinute: 12,
  tokensPromptPerRequest: 1000,
  tokensGeneratedPerReq: 100,
  sustainThresholdPct: 80,
  idleThresholdPct: 30,
  decayHalfLifeMinutes: 60,
  hardMultiplier: 2,
  growthGatePct: 90,
  defaultMaxTokens: 256,
});

// Bucket levels are integers in 1/60000 token (see bucket.ts); keeping the deepest possible level
// (h+1 limits' worth, scaled) under 2^53 keeps every computation exact in JS doubles and in Lua.
const MAX_SCALED_SPAN = 2 ** 53 / 60_000;
/**
 * The most a per-minute limit may be: every usage record keeps the limits in force in int4 columns
 * (UsageRecord.limit*), and the largest a policy produces is capRpm × tokens per request.
 */
export const MAX_LIMIT = 2_147_483_647;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const policySchema = z
  .strictObject({
    baseRpm: int(1, 1_000_000),
    capRpm: int(1, 1_000_000),
    growthRpmPerMinute: int(0, 1_000_000),
    tokensPromptPerRequest: int(1, 1_000_000),
    tokensGeneratedPerReq: int(1, 1_000_000),
    sustainThresholdPct: int(1, 100),
    idleThresholdPct: int(0, 100),
    // ≤ a day: catching up on a long idle gap steps minute by minute (see advance.ts).
    decayHalfLifeMinutes: int(1, 1440),
    hardMultiplier: int(1, 100),
    growthGatePct: int(0, 1000),
    defaultMaxTokens: int(0, 1_000_000),
  })
  .refine((p) => p.capRpm >= p.baseRpm, { message: "capRpm must be ≥ baseRpm", path: ["capRpm"] })
  .refine((p) => p.idleThresholdPct < p.sustainThresholdPct, {
    message: "idleThresholdPct must be below sustainThresholdPct",
    path: ["idleThresholdPct"],
  })
  .refine((p) => p.capRpm * p.tokensPromptPerRequest <= MAX_LIMIT, {
    message: `capRpm × tokensPromptPerRequest (the largest ITPM this policy grows to) must be at most ${MAX_LIMIT}`,
    path: ["tokensPromptPerRequest"],
  })
  .refine((p) => p.capRpm * p.tokensGeneratedPerReq <= MAX_LIMIT, {
    message: `capRpm × tokensGeneratedPerReq (the largest OTPM this policy grows to) must be at most ${MAX_LIMIT}`,
    path: ["tokensGeneratedPerReq"],
  })
  .refine((p) => p.capRpm * Math.max(p.tokensPromptPerRequest, p.tokensGeneratedPerReq) * (p.hardMultiplier + 1) < MAX_SCALED_SPAN, {
    message: "capRpm × tokens per request × (hardMultiplier + 1) is too large to count exactly",
    path: ["capRpm"],
  }) satisfies z.ZodType<Policy>;

/**
 * Built-in policies by model size, until operators' per-model policies come from the database
 * (the DB loader seeds from this table). Bigger models grow slower and cap lower.
 */
export const BUILTIN_POLICIES: Readonly<Record<string, Readonly<Policy>>> = Object.freeze({
  default: DEFAULT_POLICY,
  small: Object.freeze({ ...DEFAULT_POLICY, baseRpm: 100, capRpm: 4000, growthRpmPerMinute: 24 }),
  large: Object.freeze({ ...DEFAULT_POLICY, baseRpm: 30, capRpm: 600, growthRpmPerMinute: 4, defaultMaxTokens: 512 }),
});

/** The built-in policy named `name` ("default", "small", "large"), or undefined. */
export function builtinPolicy(name: string): Readonly<Policy> | undefined {
  return Object.hasOwn(BUILTIN_POLICIES, name) ? BUILTIN_POLICIES[name] : undefined;
}

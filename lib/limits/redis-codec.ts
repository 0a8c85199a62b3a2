// Translation between the pure core's values and the Lua script's integer arguments and replies.
import { isGrowthGated } from "./growth";
import { policyConstants } from "./policy-constants";
import { viewOf } from "./view";
import type { Policy } from "./policy";
import { DIMENSIONS, type Admission, type Cost, type Decision, type LimiterState } from "./types";

export type ScriptOp = "admit" | "settle";

/** ARGV for LIMITER_LUA (order documented in redis-script.ts). `now` null: the script reads the Redis server's clock. */
export function scriptArgs(
  op: ScriptOp,
  policy: Policy,
  now: number | null,
  amounts: Cost,
  modelLoad = 0,
  generated = 0,
): (string | number)[] {
  const c = policyConstants(policy);
  return [
    op,
    now === null ? "" : Math.floor(now),
    policy.baseRpm,
    policy.capRpm,
    policy.growthRpmPerMinute,
    policy.tokensPromptPerRequest,
    policy.tokensGeneratedPerReq,
    policy.sustainThresholdPct,
    policy.idleThresholdPct,
    c.decayPpm,
    c.maxSustainedMilli,
    policy.hardMultiplier,
    c.idleTtlMs,
    amounts.requests,
    amounts.tokensPrompt,
    amounts.tokensGenerated,
    isGrowthGated(policy, modelLoad) ? 1 : 0,
    generated,
  ];
}

export interface ScriptReply {
  code: number;
  extra: number;
  state: LimiterState;
}

export function parseReply(raw: unknown): ScriptReply {
  if (!Array.isArray(raw) || raw.length !== 12 || !raw.every((v) => typeof v === "number")) {
    throw new Error(`unexpected limiter script reply: ${JSON.stringify(raw)}`);
  }
  const [code, extra, minute, refilledAt, sustainedMilli, l1, l2, l3, u1, u2, u3, x] = raw as number[];
  return {
    code: code!,
    extra: extra!,
    state: {
      minute: minute!,
      refilledAt: refilledAt!,
      sustainedMilli: sustainedMilli!,
      levels: { requests: l1!, tokensPrompt: l2!, tokensGenerated: l3! },
      used: { requests: u1!, tokensPrompt: u2!, tokensGenerated: u3! },
      growthBlocked: x === 1,
    },
  };
}

/** The Admission the pure core would have returned for the same script outcome. */
export function admissionOf(policy: Policy, reply: ScriptReply): Admission {
  const { limits, remaining, sustainedMinutes } = viewOf(policy, reply.state);
  const admission = (decision: Decision, overLimit: boolean): Admission => ({ decision, limits, remaining, overLimit, sustainedMinutes });
  switch (reply.code) {
    case 0:
      return admission({ outcome: "admit" }, false);
    case 1:
      return admission({ outcome: "admit_over_limit" }, true);
    case 2:
      return admission({ outcome: "reject", retryAfterSeconds: reply.extra }, true);
    case 3: {
      const dimension = DIMENSIONS[reply.extra];
      if (dimension) return admission({ outcome: "too_large", dimension, maxCost: policy.hardMultiplier * limits[dimension] }, true);
    }
  }
  throw new Error(`unexpected limiter script outcome ${reply.code}/${reply.extra}`);
}

/** Byte layout of a stored state (Lua struct '<dddddddddd'): the LimiterState fields in this order. */
const FIELDS = 10;

/** A stored value (GET, as bytes) as a state, or undefined when the key does not exist. */
export function stateFromPacked(packed: Buffer | null): LimiterState | undefined {
  if (packed === null) return undefined;
  if (packed.length !== FIELDS * 8) throw new Error(`unexpected limiter state of ${packed.length} bytes`);
  const f = (i: number) => packed.readDoubleLE(i * 8);
  return {
    minute: f(0),
    refilledAt: f(1),
    sustainedMilli: f(2),
    levels: { requests: f(3), tokensPrompt: f(4), tokensGenerated: f(5) },
    used: { requests: f(6), tokensPrompt: f(7), tokensGenerated: f(8) },
    growthBlocked: f(9) === 1,
  };
}

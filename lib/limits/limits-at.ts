// The limit in force: a pure function of the policy and the sustained minutes (SPEC §6 growth).
import { MILLI } from "./policy-constants";
import type { Policy } from "./policy";
import type { PerDimension } from "./types";

/** RPM = min(cap, max(base, growth × sustainedMinutes)), floored to a whole request. */
export function limitRpm(policy: Policy, sustainedMilli: number): number {
  const grown = Math.floor((policy.growthRpmPerMinute * sustainedMilli) / MILLI);
  return Math.min(policy.capRpm, Math.max(policy.baseRpm, grown));
}

/** RPM, ITPM and OTPM in force at `sustainedMilli`. */
export function limitsAt(policy: Policy, sustainedMilli: number): PerDimension {
  const rpm = limitRpm(policy, sustainedMilli);
  return { requests: rpm, tokensPrompt: rpm * policy.tokensPromptPerRequest, tokensGenerated: rpm * policy.tokensGeneratedPerReq };
}

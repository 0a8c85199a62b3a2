import { describe, expect, it } from "vitest";
import { BUILTIN_POLICIES, DEFAULT_POLICY, builtinPolicy, costOf, policySchema } from "@/lib/limits";

describe("policy", () => {
  it("defaults match the Prisma model's defaults", () => {
    expect(DEFAULT_POLICY).toEqual({
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
  });

  it("every built-in policy is valid", () => {
    for (const [name, policy] of Object.entries(BUILTIN_POLICIES)) expect(policySchema.safeParse(policy).success, name).toBe(true);
    expect(builtinPolicy("default")).toBe(DEFAULT_POLICY);
    expect(builtinPolicy("toString")).toBeUndefined();
  });

  it("rejects inconsistent policies with the field named", () => {
    const issues = (p: object) => policySchema.safeParse({ ...DEFAULT_POLICY, ...p }).error?.issues.map((i) => i.path.join("."));
    expect(issues({ capRpm: 10 })).toEqual(["capRpm"]);
    expect(issues({ idleThresholdPct: 80 })).toEqual(["idleThresholdPct"]);
    expect(issues({ baseRpm: 1.5 })).toContain("baseRpm");
    expect(issues({ capRpm: 1_000_000, tokensPromptPerRequest: 1_000_000 })).toContain("capRpm");
  });

  it("a request costs n requests, its prompt and n × max_tokens (the policy's default when absent)", () => {
    expect(costOf({ n: 3, promptTokens: 120, maxTokens: 50 }, DEFAULT_POLICY)).toEqual({
      requests: 3,
      tokensPrompt: 120,
      tokensGenerated: 150,
    });
    expect(costOf({ n: 2, promptTokens: 7 }, DEFAULT_POLICY)).toEqual({ requests: 2, tokensPrompt: 7, tokensGenerated: 512 });
  });
});

import { describe, expect, it } from "vitest";
import { BUILTIN_POLICIES, DEFAULT_POLICY, builtinPolicy, costOf, limitsAt, policySchema } from "@/lib/limits";
import { MAX_LIMIT } from "@/lib/limits/policy";

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

  it("refuses a policy whose limits could outgrow the usage record's int4 columns, naming the field", () => {
    const refused = (p: object) => policySchema.safeParse({ ...DEFAULT_POLICY, ...p }).error?.issues ?? [];
    // 1,000,000 RPM × 2,148 prompt tokens = 2,148,000,000 ITPM: just past int4, yet exact in the buckets (h = 1).
    const itpm = refused({ capRpm: 1_000_000, tokensPromptPerRequest: 2_148, hardMultiplier: 1 });
    expect(itpm.map((i) => i.path.join("."))).toEqual(["tokensPromptPerRequest"]);
    expect(itpm[0]!.message).toMatch(/capRpm × tokensPromptPerRequest .* at most 2147483647/);
    const otpm = refused({ capRpm: 1_000_000, tokensGeneratedPerReq: 2_148, hardMultiplier: 1 });
    expect(otpm.map((i) => i.path.join("."))).toEqual(["tokensGeneratedPerReq"]);
    expect(otpm[0]!.message).toMatch(/capRpm × tokensGeneratedPerReq .* at most 2147483647/);
    // Just under the bound: accepted, and no limit the policy grows to passes int4.
    const atBound = {
      ...DEFAULT_POLICY,
      baseRpm: 1,
      capRpm: 1_000_000,
      tokensPromptPerRequest: 2_147,
      tokensGeneratedPerReq: 2_147,
      hardMultiplier: 1,
    };
    expect(policySchema.safeParse(atBound).success).toBe(true);
    const grown = limitsAt(atBound, Number.MAX_SAFE_INTEGER);
    expect(Math.max(grown.requests, grown.tokensPrompt, grown.tokensGenerated)).toBeLessThanOrEqual(MAX_LIMIT);
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

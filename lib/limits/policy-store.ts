// The operators' per-model rate-limit policies in the database (table RateLimitPolicy): list them and
// replace one, audited. The gateway's model catalog reads the same rows (lib/gateway/catalog.ts);
// the caller invalidates this instance's catalog after a change, other instances refresh within 5 s.
import { db } from "../db";
import type { SizeClass } from "../db/generated/enums";
import { DEFAULT_POLICY, type Policy } from "./policy";

export interface ModelPolicyView {
  model: string;
  displayName: string;
  sizeClass: SizeClass;
  capacityTokensPerMin: number;
  active: boolean;
  policy: Policy;
  /** False while the model runs on the built-in default (no row yet). */
  stored: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

const POLICY_FIELDS = {
  baseRpm: true,
  capRpm: true,
  growthRpmPerMinute: true,
  tokensPromptPerRequest: true,
  tokensGeneratedPerReq: true,
  sustainThresholdPct: true,
  idleThresholdPct: true,
  decayHalfLifeMinutes: true,
  hardMultiplier: true,
  growthGatePct: true,
  defaultMaxTokens: true,
} as const;

const SELECT = {
  name: true,
  displayName: true,
  sizeClass: true,
  capacityTokensPerMin: true,
  active: true,
  policy: { select: { ...POLICY_FIELDS, updatedAt: true, updatedBy: true } },
} as const;

type Row = {
  name: string;
  displayName: string;
  sizeClass: SizeClass;
  capacityTokensPerMin: number;
  active: boolean;
  policy: (Policy & { updatedAt: Date; updatedBy: string | null }) | null;
};

function pickPolicy(p: Policy): Policy {
  return {
    baseRpm: p.baseRpm,
    capRpm: p.capRpm,
    growthRpmPerMinute: p.growthRpmPerMinute,
    tokensPromptPerRequest: p.tokensPromptPerRequest,
    tokensGeneratedPerReq: p.tokensGeneratedPerReq,
    sustainThresholdPct: p.sustainThresholdPct,
    idleThresholdPct: p.idleThresholdPct,
    decayHalfLifeMinutes: p.decayHalfLifeMinutes,
    hardMultiplier: p.hardMultiplier,
    growthGatePct: p.growthGatePct,
    defaultMaxTokens: p.defaultMaxTokens,
  };
}

function view(r: Row): ModelPolicyView {
  return {
    model: r.name,
    displayName: r.displayName,
    sizeClass: r.sizeClass,
    capacityTokensPerMin: r.capacityTokensPerMin,
    active: r.active,
    policy: r.policy ? pickPolicy(r.policy) : { ...DEFAULT_POLICY },
    stored: r.policy !== null,
    updatedAt: r.policy?.updatedAt.toISOString() ?? null,
    updatedBy: r.policy?.updatedBy ?? null,
  };
}

export async function listPolicies(): Promise<ModelPolicyView[]> {
  const rows = await db().model.findMany({ orderBy: { name: "asc" }, select: SELECT });
  return rows.map(view);
}

export type SetPolicyResult =
  { ok: true; policy: ModelPolicyView; previous: Policy } | { ok: false; reason: "model_not_found"; message: string };

/** Replace a model's policy (already validated with policySchema) and record who changed what. */
export async function setPolicy(
  modelName: string,
  policy: Policy,
  actor: { userId: string | null; label: string | null },
): Promise<SetPolicyResult> {
  const actorId = actor.userId;
  const updatedBy = actor.label || actor.userId;
  const next = pickPolicy(policy);
  return db().$transaction(async (tx) => {
    const model = await tx.model.findUnique({ where: { name: modelName }, select: { id: true, policy: { select: POLICY_FIELDS } } });
    if (!model) return { ok: false as const, reason: "model_not_found" as const, message: `No model named "${modelName}".` };
    const previous = model.policy ? pickPolicy(model.policy) : { ...DEFAULT_POLICY };
    await tx.rateLimitPolicy.upsert({
      where: { modelId: model.id },
      create: { modelId: model.id, ...next, updatedBy },
      update: { ...next, updatedBy },
    });
    await tx.auditLog.create({
      data: {
        accountId: null,
        actorId,
        action: "rate_limit_policy.set",
        detail: { model: modelName, before: { ...previous }, after: { ...next } },
      },
    });
    const row = await tx.model.findUniqueOrThrow({ where: { id: model.id }, select: SELECT });
    return { ok: true as const, policy: view(row), previous };
  });
}

// The admission rule for money, pure (SPEC §3, §5, §7): a charge of `cost` may be served only if
// the account is active, it keeps monthly spend within the spend limit in force, and — without a
// payment method to invoice — the credits cover it. The gateway enforces the same rule through
// spend leases; the billing property tests generate usage with it.
import type { Tier } from "../db/generated/enums";
import type { Micros } from "../money";
import { effectiveSpendLimit } from "./tiers";

export interface ChargeFacts {
  tier: Tier;
  status: "active" | "suspended";
  spendLimitMicros: Micros | null;
  creditBalanceMicros: Micros;
  monthlySpendMicros: Micros;
  hasPaymentMethod: boolean;
}

export type ChargeDecision = { ok: true } | { ok: false; reason: "suspended" | "spend_limit" | "no_credits" | "invalid_cost" };

export function canCharge(f: ChargeFacts, cost: Micros): ChargeDecision {
  if (typeof cost !== "bigint" || cost < 0n) return { ok: false, reason: "invalid_cost" };
  if (f.status !== "active") return { ok: false, reason: "suspended" };
  const limit = effectiveSpendLimit(f.tier, f.spendLimitMicros, f.creditBalanceMicros, f.monthlySpendMicros);
  if (limit !== null && f.monthlySpendMicros + cost > limit) return { ok: false, reason: "spend_limit" };
  if (!f.hasPaymentMethod && cost > (f.creditBalanceMicros > 0n ? f.creditBalanceMicros : 0n)) return { ok: false, reason: "no_credits" };
  return { ok: true };
}

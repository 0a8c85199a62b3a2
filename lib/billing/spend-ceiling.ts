// The most an account may have spent by the end of this month (SPEC §3, §4, §7): the spend limit in
// force — the owner's, or the tier's cap (Tier 0: its credits) — and, for an account without a card,
// no more than its credits cover, since nothing can be invoiced. null: no ceiling (Unlimited, with a
// card and no limit of the owner's). The gateway's spend leases and the metering of deployments hold
// spend under the same ceiling: the leases through headroom_grant_spend_lease() in PostgreSQL, which
// mirrors this function (tests/integration/billing/grant-spend-lease.test.ts holds the two together).
import type { Tier } from "../db/generated/enums";
import type { Micros } from "../money";
import { effectiveSpendLimit } from "./tiers";

export interface SpendCeilingFacts {
  tier: Tier;
  spendLimitMicros: Micros | null;
  creditBalanceMicros: Micros;
  /** This month's spend so far. */
  monthlySpendMicros: Micros;
  hasPaymentMethod: boolean;
}

export function spendCeiling(f: SpendCeilingFacts): Micros | null {
  const limit = effectiveSpendLimit(f.tier, f.spendLimitMicros, f.creditBalanceMicros, f.monthlySpendMicros);
  if (f.hasPaymentMethod) return limit;
  const creditsCap = f.monthlySpendMicros + (f.creditBalanceMicros > 0n ? f.creditBalanceMicros : 0n);
  return limit === null || creditsCap < limit ? creditsCap : limit;
}

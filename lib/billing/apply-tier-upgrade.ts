// Tiers go up automatically when a qualifying event is recorded (SPEC §3): a credit purchase or a
// paid invoice (historical spend) or a payment method (Tier 1). Never down. Called inside the
// verb's transaction, before syncSuspension, so an upgrade lifts `spend_limit_reached` at once.
import type { Tier } from "../db/generated/enums";
import { notify } from "../alerts/notify";
import { usdString } from "../money";
import type { Tx } from "./lock-account";
import { isSamePeriod } from "./period";
import { revokeAccountLeases } from "./spend-lease";
import { tierCap, tierRank, tierRule, upgradedTier } from "./tiers";

export interface TierChange {
  from: Tier;
  to: Tier;
  changed: boolean;
}

export async function applyTierUpgrade(tx: Tx, accountId: string, now = new Date()): Promise<TierChange> {
  const account = await tx.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { tier: true, historicalMicros: true, _count: { select: { paymentMethods: { where: { detachedAt: null } } } } },
  });
  const to = upgradedTier(account.tier, account.historicalMicros, account._count.paymentMethods > 0);
  if (to === account.tier) return { from: account.tier, to, changed: false };
  await changeTier(tx, accountId, to, { actorId: null, reason: "qualified", now });
  await notify(tx, {
    accountId,
    kind: "tier_upgraded",
    title: `Upgraded to ${tierRule(to).label}`,
    body: `Your account is now ${tierRule(to).label}${tierRule(to).cap === null ? "" : `; its monthly spend cap is $${usdString(tierRule(to).cap!)}`}.`,
    dedupeKey: `tier:${accountId}:${to}`,
  });
  return { from: account.tier, to, changed: true };
}

/**
 * Move the account to `to` (automatic upgrade or operator decision) and keep its spend limit's
 * meaning: a limit that equalled the old cap follows the new cap (stored as null); a limit the
 * owner lowered stays where the owner put it (SPEC §3). Audited.
 */
export async function changeTier(
  tx: Tx,
  accountId: string,
  to: Tier,
  opts: { actorId: string | null; reason: "qualified" | "operator"; note?: string; now?: Date },
): Promise<{ from: Tier }> {
  const now = opts.now ?? new Date();
  const account = await tx.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { tier: true, spendLimitMicros: true, creditBalanceMicros: true, monthlySpendMicros: true, spendPeriod: true },
  });
  const monthly = isSamePeriod(account.spendPeriod, now) ? account.monthlySpendMicros : 0n;
  // A limit at (or, for Tier 0 whose cap is spend + credits, above) the old cap follows the new one.
  const oldCap = tierCap(account.tier, account.creditBalanceMicros, monthly);
  const followsCap = account.spendLimitMicros !== null && oldCap !== null && account.spendLimitMicros >= oldCap;
  await tx.account.update({
    where: { id: accountId },
    data: { tier: to, ...(followsCap ? { spendLimitMicros: null } : {}) },
  });
  // A lower tier (an operator's decision) may mean a lower cap: budget leased under the old one —
  // an Unlimited account's leases have no ceiling at all — is taken back in this transaction.
  if (tierRank(to) < tierRank(account.tier)) await revokeAccountLeases(accountId, tx);
  await tx.auditLog.create({
    data: {
      accountId,
      actorId: opts.actorId,
      action: opts.reason === "operator" ? "tier.set" : "tier.upgraded",
      detail: { from: account.tier, to, ...(opts.note ? { note: opts.note } : {}) },
    },
  });
  return { from: account.tier };
}

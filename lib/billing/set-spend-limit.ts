// PATCH /api/v1/quotas/monthly-spend-usd's verb: the owner sets the monthly spend limit anywhere
// from $0 to the tier's cap, in whole cents (SPEC §3). Lifts or sets `spend_limit_reached` in the
// same transaction. A limit equal to the cap is stored as "follows the cap" (null), so it moves
// with the cap on a tier upgrade; a lower one stays where the owner put it.
import { db } from "../db";
import type { Tier } from "../db/generated/enums";
import { checkBudgetAlerts } from "../alerts/check-budget-alerts";
import { MICROS_PER_CENT, usdString, type Micros } from "../money";
import { lockAccount } from "./lock-account";
import { revokeAccountLeases } from "./spend-lease";
import { syncSuspension } from "./suspension";
import { effectiveSpendLimit, tierCap, tierRule } from "./tiers";
import { isSamePeriod } from "./period";

export type SetSpendLimitResult =
  | { ok: true; spendLimitMicros: Micros; followsCap: boolean }
  | {
      ok: false;
      reason: "invalid_amount" | "not_whole_cents" | "negative" | "above_cap" | "no_account";
      message: string;
      maxMicros?: Micros | null;
    };

/** For unlimited accounts the owner may still set a limit; this bounds the number stored. */
export const UNLIMITED_MAX = 100_000_000n * 1_000_000n;

/**
 * The value check, pure: 0 ≤ value ≤ the tier's cap (UNLIMITED_MAX without one), whole cents.
 * `tier` null: the tier is not known yet (checked again under the account's lock): only the value's
 * form is checked, so that a refusal for its size names the account's own bound.
 */
export function checkSpendLimit(value: unknown, tier: Tier | null, cap: Micros | null): SetSpendLimitResult {
  if (typeof value !== "bigint") return { ok: false, reason: "invalid_amount", message: "value must be an amount in micro-USD (BigInt)" };
  if (value < 0n) return { ok: false, reason: "negative", message: "value must be at least 0" };
  if (value % MICROS_PER_CENT !== 0n) return { ok: false, reason: "not_whole_cents", message: "value must be a whole number of cents" };
  if (tier !== null && cap !== null && value > cap) {
    return {
      ok: false,
      reason: "above_cap",
      message: `value must be between 0 and ${usdString(cap)} (the ${tierRule(tier).label} cap)`,
      maxMicros: cap,
    };
  }
  if (tier !== null && value > UNLIMITED_MAX) {
    return {
      ok: false,
      reason: "above_cap",
      message: `value must be at most ${usdString(UNLIMITED_MAX)} (the largest limit Headroom stores)`,
      maxMicros: null,
    };
  }
  // At the cap, the limit follows the cap — Tier 0's too: its cap (this month's spend + credits)
  // does not move as credits are spent, only when credits are bought or the tier goes up, and an
  // owner who saved "the cap" expects it to follow then (SPEC §3).
  return { ok: true, spendLimitMicros: value, followsCap: cap !== null && value === cap };
}

export async function setSpendLimit(
  accountId: string,
  value: Micros,
  actorId: string | null,
  now = new Date(),
): Promise<SetSpendLimitResult> {
  const early = checkSpendLimit(value, null, null);
  if (!early.ok) return early;
  return db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, accountId))) return { ok: false as const, reason: "no_account" as const, message: "account not found" };
    const account = await tx.account.findUniqueOrThrow({
      where: { id: accountId },
      select: { tier: true, spendLimitMicros: true, creditBalanceMicros: true, monthlySpendMicros: true, spendPeriod: true },
    });
    const monthly = isSamePeriod(account.spendPeriod, now) ? account.monthlySpendMicros : 0n;
    const cap = tierCap(account.tier, account.creditBalanceMicros, monthly);
    const checked = checkSpendLimit(value, account.tier, cap);
    if (!checked.ok) return checked;
    const before = effectiveSpendLimit(account.tier, account.spendLimitMicros, account.creditBalanceMicros, monthly);
    await tx.account.update({ where: { id: accountId }, data: { spendLimitMicros: checked.followsCap ? null : value } });
    // Budget already leased to gateway instances was sized for the old limit: a lower limit takes
    // those leases back at once (instances notice on their next renewal and lease afresh).
    if (before === null || value < before) await revokeAccountLeases(accountId, tx);
    await tx.auditLog.create({
      data: { accountId, actorId, action: "spend_limit.set", detail: { valueUsd: usdString(value), followsCap: checked.followsCap } },
    });
    await syncSuspension(tx, accountId, now);
    await checkBudgetAlerts(tx, accountId, { now });
    return checked;
  });
}

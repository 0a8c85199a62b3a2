// PATCH /api/v1/quotas/monthly-spend-usd's verb: the owner sets the monthly spend limit anywhere
// from $0 to the tier's cap, in whole cents (SPEC §3). Lifts or sets `spend_limit_reached` in the
// same transaction.
import { db } from "../db";
import { MICROS_PER_CENT, usdString, type Micros } from "../money";
import { syncSuspension } from "./suspension";
import { tierCap } from "./tiers";
import { isSamePeriod } from "./period";

export type SetSpendLimitResult =
  | { ok: true; spendLimitMicros: Micros; followsCap: boolean }
  | { ok: false; reason: "not_whole_cents" | "negative" | "above_cap" | "no_account"; message: string; maxMicros?: Micros | null };

/** For unlimited accounts the owner may still set a limit; this bounds the number stored. */
const UNLIMITED_MAX = 100_000_000n * 1_000_000n;

export async function setSpendLimit(
  accountId: string,
  value: Micros,
  actorId: string | null,
  now = new Date(),
): Promise<SetSpendLimitResult> {
  if (value < 0n) return { ok: false, reason: "negative", message: "value must be at least 0" };
  if (value % MICROS_PER_CENT !== 0n) return { ok: false, reason: "not_whole_cents", message: "value must be a whole number of cents" };
  return db().$transaction(async (tx) => {
    const account = await tx.account.findUnique({
      where: { id: accountId },
      select: { tier: true, creditBalanceMicros: true, monthlySpendMicros: true, spendPeriod: true },
    });
    if (!account) return { ok: false as const, reason: "no_account" as const, message: "account not found" };
    const monthly = isSamePeriod(account.spendPeriod, now) ? account.monthlySpendMicros : 0n;
    const cap = tierCap(account.tier, account.creditBalanceMicros, monthly);
    const max = cap ?? UNLIMITED_MAX;
    if (value > max) {
      return {
        ok: false as const,
        reason: "above_cap" as const,
        message: `value must be between 0 and ${usdString(max)} (the ${account.tier} cap)`,
        maxMicros: cap,
      };
    }
    // A limit equal to the cap follows the cap on tier upgrades; a lower one stays put (SPEC §3).
    const followsCap = cap !== null && value === cap && account.tier !== "tier0";
    await tx.account.update({ where: { id: accountId }, data: { spendLimitMicros: followsCap ? null : value } });
    await tx.auditLog.create({ data: { accountId, actorId, action: "spend_limit.set", detail: { valueUsd: usdString(value) } } });
    await syncSuspension(tx, accountId, now);
    return { ok: true as const, spendLimitMicros: value, followsCap };
  });
}

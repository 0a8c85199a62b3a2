// The suspension state machine (SPEC §5). Automatic reasons are derived from the account's facts
// (spend vs limit, credits, payment methods, failed invoices) inside the caller's transaction, so
// the event that removes the last reason re-activates the account in that same transaction.
import type { Prisma } from "../db/generated/client";
import type { SuspensionReasonCode } from "../db/generated/enums";
import { effectiveSpendLimit } from "./tiers";
import { isSamePeriod } from "./period";
import { haltResourcesForSuspension } from "../quotas/halt-resources";
import { notify } from "../alerts/notify";

type Tx = Prisma.TransactionClient;
type AutoReason = Exclude<SuspensionReasonCode, "manual">;

export const SUSPENSION_FIX: Record<SuspensionReasonCode, string> = {
  spend_limit_reached: "Raise your monthly spend limit or buy credits to move up a tier.",
  no_payment_method: "Add a payment method or buy credits.",
  payment_failed: "Pay all failed invoices on the Invoices page.",
  manual: "Contact support: an operator suspended this account.",
};

export interface AccountFacts {
  tier: import("../db/generated/enums").Tier;
  spendLimitMicros: bigint | null;
  creditBalanceMicros: bigint;
  monthlySpendMicros: bigint;
  hasPaymentMethod: boolean;
  failedInvoices: number;
}

/** Which automatic reasons hold for these facts (pure). */
export function reasonsFor(f: AccountFacts): Set<AutoReason> {
  const reasons = new Set<AutoReason>();
  // Tier 0's cap is its credits: running out is "no payment method", not "limit reached",
  // unless the owner set a limit of their own and reached it.
  const limit =
    f.tier === "tier0" ? f.spendLimitMicros : effectiveSpendLimit(f.tier, f.spendLimitMicros, f.creditBalanceMicros, f.monthlySpendMicros);
  if (limit !== null && f.monthlySpendMicros >= limit) reasons.add("spend_limit_reached");
  if (f.creditBalanceMicros <= 0n && !f.hasPaymentMethod) reasons.add("no_payment_method");
  if (f.failedInvoices > 0) reasons.add("payment_failed");
  return reasons;
}

export async function loadFacts(tx: Tx, accountId: string, now = new Date()): Promise<AccountFacts> {
  const [account, methods, failed] = await Promise.all([
    tx.account.findUniqueOrThrow({
      where: { id: accountId },
      select: { tier: true, spendLimitMicros: true, creditBalanceMicros: true, monthlySpendMicros: true, spendPeriod: true },
    }),
    tx.paymentMethod.count({ where: { accountId, detachedAt: null } }),
    tx.invoice.count({ where: { accountId, status: "failed" } }),
  ]);
  return factsOf(account, methods, failed, now);
}

/** An account's facts from its row and its counts of attached cards and failed invoices. */
export function factsOf(
  account: Pick<AccountFacts, "tier" | "spendLimitMicros" | "creditBalanceMicros" | "monthlySpendMicros"> & { spendPeriod: Date },
  paymentMethods: number,
  failedInvoices: number,
  now: Date,
): AccountFacts {
  return {
    tier: account.tier,
    spendLimitMicros: account.spendLimitMicros,
    creditBalanceMicros: account.creditBalanceMicros,
    // The counter belongs to the month in spendPeriod: a new month starts from nothing.
    monthlySpendMicros: isSamePeriod(account.spendPeriod, now) ? account.monthlySpendMicros : 0n,
    hasPaymentMethod: paymentMethods > 0,
    failedInvoices,
  };
}

const AUTO: AutoReason[] = ["spend_limit_reached", "no_payment_method", "payment_failed"];

/**
 * Bring the account's recorded reasons and status in line with its facts. Call at the end of
 * every transaction that changes money, limits, tiers, payment methods or invoices.
 */
export async function syncSuspension(
  tx: Tx,
  accountId: string,
  now = new Date(),
): Promise<{ status: "active" | "suspended"; reasons: SuspensionReasonCode[] }> {
  const holding = reasonsFor(await loadFacts(tx, accountId, now));
  const active = await tx.suspensionReason.findMany({ where: { accountId, liftedAt: null }, select: { id: true, reason: true } });
  const activeCodes = new Set(active.map((r) => r.reason));
  const wasSuspended = activeCodes.size > 0;
  let lifted: string | null = null;
  for (const reason of AUTO) {
    if (holding.has(reason) && !activeCodes.has(reason)) {
      const row = await tx.suspensionReason.upsert({
        where: { activeKey: `${accountId}:${reason}` },
        create: { accountId, reason, detail: SUSPENSION_FIX[reason], activeKey: `${accountId}:${reason}`, setAt: now },
        update: {},
        select: { id: true },
      });
      activeCodes.add(reason);
      await notify(tx, {
        accountId,
        kind: "account_suspended",
        title: `Account suspended: ${reason.replaceAll("_", " ")}`,
        body: SUSPENSION_FIX[reason],
        dedupeKey: `suspension:${row.id}`,
      });
    } else if (!holding.has(reason) && activeCodes.has(reason)) {
      await tx.suspensionReason.updateMany({
        where: { accountId, reason, liftedAt: null },
        data: { liftedAt: now, activeKey: null, liftNote: "condition no longer holds" },
      });
      lifted = active.find((r) => r.reason === reason)?.id ?? lifted;
      activeCodes.delete(reason);
    }
  }
  const status = activeCodes.size > 0 ? "suspended" : "active";
  await tx.account.update({ where: { id: accountId }, data: { status } });
  if (status === "suspended") {
    const halted = await haltResourcesForSuspension(tx, accountId, [...activeCodes].join(", "), now);
    // Settling what ran up to now may itself have reached the spend limit (or used up the credits):
    // record that reason too. Nothing is left running, so the second pass halts nothing.
    if (halted.deployments + halted.jobs > 0) return syncSuspension(tx, accountId, now);
  }
  if (wasSuspended && status === "active" && lifted) {
    await notify(tx, {
      accountId,
      kind: "account_reactivated",
      title: "Account active again",
      body: "Every suspension reason has been resolved; API calls are accepted again.",
      dedupeKey: `reactivated:${lifted}`,
    });
  }
  return { status, reasons: [...activeCodes] };
}

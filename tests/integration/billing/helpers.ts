// Billing test helpers: usage charges posted exactly as the gateway does (SPEC §4 convention:
// credits first, the rest accrues to the month's invoice), and the account's facts for assertions.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import type { LedgerKind } from "@/lib/db/generated/enums";
import { lockAccount } from "@/lib/billing/lock-account";
import { postLedgerEntry } from "@/lib/billing/post-ledger-entry";
import { rollSpendPeriod } from "@/lib/billing/roll-spend-period";
import { syncSuspension } from "@/lib/billing/suspension";
import { checkBudgetAlerts } from "@/lib/alerts/check-budget-alerts";
import { isSamePeriod } from "@/lib/billing/period";
import type { ChargeFacts } from "@/lib/billing/can-charge";

export async function chargeUsage(
  accountId: string,
  costMicros: bigint,
  at: Date,
  opts: {
    kind?: Extract<LedgerKind, "usage_charge" | "deployment_charge" | "fine_tuning_charge">;
    modelName?: string;
    deploymentId?: string;
    fineTuningJobId?: string;
  } = {},
): Promise<{ creditPart: bigint; invoicePart: bigint }> {
  return db().$transaction(async (tx) => {
    await lockAccount(tx, accountId);
    await rollSpendPeriod(tx, accountId, at);
    const { creditBalanceMicros: balance } = await tx.account.findUniqueOrThrow({
      where: { id: accountId },
      select: { creditBalanceMicros: true },
    });
    const creditPart = balance <= 0n ? 0n : balance < costMicros ? balance : costMicros;
    const kind = opts.kind ?? "usage_charge";
    await postLedgerEntry(tx, {
      accountId,
      kind,
      amountMicros: -creditPart,
      creditMicros: creditPart,
      invoiceMicros: costMicros - creditPart,
      spendMicros: costMicros,
      idempotencyKey: `test-${kind}:${randomUUID()}`,
      description: "test charge",
      modelName: kind === "usage_charge" ? (opts.modelName ?? "test-model") : undefined,
      deploymentId: opts.deploymentId,
      fineTuningJobId: opts.fineTuningJobId,
      at,
    });
    await syncSuspension(tx, accountId, at);
    await checkBudgetAlerts(tx, accountId, { now: at });
    return { creditPart, invoicePart: costMicros - creditPart };
  });
}

export async function accountState(accountId: string, now: Date) {
  const a = await db().account.findUniqueOrThrow({
    where: { id: accountId },
    select: {
      tier: true,
      status: true,
      spendLimitMicros: true,
      creditBalanceMicros: true,
      monthlySpendMicros: true,
      historicalMicros: true,
      spendPeriod: true,
      suspensionReasons: { where: { liftedAt: null }, select: { reason: true } },
      _count: { select: { paymentMethods: { where: { detachedAt: null } } } },
    },
  });
  const failedInvoices = await db().invoice.count({ where: { accountId, status: "failed" } });
  const monthly = isSamePeriod(a.spendPeriod, now) ? a.monthlySpendMicros : 0n;
  const charge: ChargeFacts = {
    tier: a.tier,
    status: a.status,
    spendLimitMicros: a.spendLimitMicros,
    creditBalanceMicros: a.creditBalanceMicros,
    monthlySpendMicros: monthly,
    hasPaymentMethod: a._count.paymentMethods > 0,
  };
  return { ...a, monthly, failedInvoices, reasons: a.suspensionReasons.map((r) => r.reason).sort(), charge };
}

export async function ledgerCount(accountId?: string): Promise<number> {
  return db().ledgerEntry.count({ where: accountId ? { accountId } : {} });
}

/** A time in a given month of 2030 (after any fixture's real-time spend period). */
export const at2030 = (month: number, day = 15, hour = 12) => new Date(Date.UTC(2030, month - 1, day, hour));

// What each ledger entry does to the account's derived counters (SPEC §2) — the one rule that
// postLedgerEntry's callers follow and that reconciliation recomputes the counters with.
//
// | kind                          | amountMicros (credits) | creditMicros  | invoiceMicros       | monthly spend | historical spend |
// |-------------------------------|------------------------|---------------|---------------------|---------------|------------------|
// | credit_purchase               | +X                     | 0             | 0                   | 0             | +X               |
// | promotional_credit            | +X                     | 0             | 0                   | 0             | 0                |
// | usage/deployment/fine_tuning_ | −part paid by credits  | that part     | rest (accrues to    | creditMicros  | 0                |
// |   charge                      |                        |               | the month's invoice)| +invoiceMicros|                  |
// | invoice (issued; marker)      | 0                      | 0             | invoice total       | 0             | 0                |
// | invoice_payment               | −part paid by credits  | that part     | part paid by card   | 0             | +invoiceMicros   |
// | refund (of a credit purchase) | −R (all refunded)      | 0             | 0                   | 0             | −R               |
// | adjustment                    | ±X                     | 0             | 0, or an amount     | 0             | 0                |
// |                               |                        |               | carried into the    |               |                  |
// |                               |                        |               | invoice's total     |               |                  |
//
// Adjustments that settle an invoice without money — a fraction of a cent waived
// (waive-cent-fractions.ts), an amount under the minimum card charge carried to a later invoice
// (carry-small-invoices.ts) — bring the amount in (+X) and pay the invoice with it (an
// invoice_payment −X drawing creditMicros X), so no counter moves.
//
// Monthly spend counts only entries whose `period` is the account's spendPeriod.
import type { LedgerKind } from "../db/generated/enums";

export const CHARGE_KINDS = ["usage_charge", "deployment_charge", "fine_tuning_charge"] as const satisfies readonly LedgerKind[];

export interface LedgerAmounts {
  kind: LedgerKind;
  amountMicros: bigint;
  creditMicros: bigint;
  invoiceMicros: bigint;
}

export interface LedgerEffect {
  credit: bigint;
  spend: bigint;
  historical: bigint;
}

export function isChargeKind(kind: LedgerKind): boolean {
  return (CHARGE_KINDS as readonly LedgerKind[]).includes(kind);
}

export function ledgerEffect(e: LedgerAmounts): LedgerEffect {
  const spend = isChargeKind(e.kind) ? e.creditMicros + e.invoiceMicros : 0n;
  let historical = 0n;
  if (e.kind === "credit_purchase" || e.kind === "refund") historical = e.amountMicros;
  else if (e.kind === "invoice_payment") historical = e.invoiceMicros;
  return { credit: e.amountMicros, spend, historical };
}

/** The counters a list of entries adds up to; `period` selects the entries counted as monthly spend. */
export function sumLedger(entries: (LedgerAmounts & { period: Date })[], period: Date): LedgerEffect {
  const total = { credit: 0n, spend: 0n, historical: 0n };
  for (const e of entries) {
    const effect = ledgerEffect(e);
    total.credit += effect.credit;
    total.historical += effect.historical;
    if (e.period.getTime() === period.getTime()) total.spend += effect.spend;
  }
  return total;
}

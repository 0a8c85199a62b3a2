// Credits are granted exactly once per natural key (the Stripe Checkout session id, the auto
// top-up attempt key…), only after the payment succeeded (SPEC §4). One transaction: the credit
// entry (a purchase is historical spend, a promotion is not), then open/failed invoices (and drafts
// under half a cent, which Stripe cannot charge) are paid from the new balance oldest first
// (pay-invoices-from-credits.ts), then the tier upgrade, then suspension is re-derived — so
// buying credits lifts `no_payment_method`, `payment_failed` (when every failed invoice is paid)
// and, through a tier upgrade, `spend_limit_reached`, at once.
import { db } from "../db";
import type { Tier } from "../db/generated/enums";
import { usdString, usd } from "../money";
import { checkAmount, checkKey, CREDIT_PURCHASE_MAX, CREDIT_PURCHASE_MIN } from "./amounts";
import { applyTierUpgrade } from "./apply-tier-upgrade";
import { lockAccount } from "./lock-account";
import { payInvoicesFromCredits, type InvoicePaidFromCredits } from "./pay-invoices-from-credits";
import { postLedgerEntry } from "./post-ledger-entry";
import { rollSpendPeriod } from "./roll-spend-period";
import { syncSuspension } from "./suspension";

export type CreditKind = "credit_purchase" | "promotional_credit";

export interface GrantCreditsInput {
  accountId: string;
  amountMicros: bigint;
  /** Natural key of the payment (Stripe Checkout session id, auto top-up key, promo code + account…). */
  idempotencyKey: string;
  kind: CreditKind;
  description?: string;
  actorId?: string | null;
  at?: Date;
}

export type GrantCreditsResult =
  | {
      ok: true;
      granted: true;
      entryId: string;
      amountMicros: bigint;
      paidInvoices: InvoicePaidFromCredits[];
      creditBalanceMicros: bigint;
      tier: Tier;
      status: "active" | "suspended";
    }
  | { ok: true; granted: false; reason: "duplicate" }
  | { ok: false; reason: "invalid_amount" | "invalid_key" | "invalid_kind" | "no_account"; message: string };

/** Promotional grants are operator/marketing decisions: whole cents, at most $50,000 at once. */
const PROMO_MAX = usd(50_000);

/** The ledger key of a grant (refunds find the purchase by it). */
export const creditLedgerKey = (idempotencyKey: string) => `credits:${idempotencyKey}`;

export async function grantCredits(input: GrantCreditsInput): Promise<GrantCreditsResult> {
  if (input.kind !== "credit_purchase" && input.kind !== "promotional_credit") {
    return { ok: false, reason: "invalid_kind", message: "kind: must be credit_purchase or promotional_credit" };
  }
  const amount =
    input.kind === "credit_purchase"
      ? checkAmount(input.amountMicros, {
          field: "amountMicros",
          positive: true,
          step: "dollar",
          min: CREDIT_PURCHASE_MIN,
          max: CREDIT_PURCHASE_MAX,
        })
      : checkAmount(input.amountMicros, { field: "amountMicros", positive: true, step: "cent", max: PROMO_MAX });
  if (!amount.ok) return amount;
  const key = checkKey(input.idempotencyKey, "idempotencyKey");
  if (!key.ok) return key;
  const at = input.at ?? new Date();
  const purchase = input.kind === "credit_purchase";

  return db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, input.accountId)))
      return { ok: false as const, reason: "no_account" as const, message: "account not found" };
    await rollSpendPeriod(tx, input.accountId, at);
    const posted = await postLedgerEntry(tx, {
      accountId: input.accountId,
      kind: input.kind,
      amountMicros: amount.micros,
      historicalMicros: purchase ? amount.micros : 0n,
      idempotencyKey: creditLedgerKey(input.idempotencyKey),
      description:
        input.description ??
        (purchase ? `Credits purchased ($${usdString(amount.micros)})` : `Promotional credit ($${usdString(amount.micros)})`),
      createdBy: input.actorId ?? undefined,
      at,
    });
    if (!posted.posted) return { ok: true as const, granted: false as const, reason: "duplicate" as const };
    const paidInvoices = await payInvoicesFromCredits(tx, input.accountId, posted.entryId, at);
    const tier = await applyTierUpgrade(tx, input.accountId, at);
    const sync = await syncSuspension(tx, input.accountId, at);
    const { creditBalanceMicros } = await tx.account.findUniqueOrThrow({
      where: { id: input.accountId },
      select: { creditBalanceMicros: true },
    });
    return {
      ok: true as const,
      granted: true as const,
      entryId: posted.entryId,
      amountMicros: amount.micros,
      paidInvoices,
      creditBalanceMicros,
      tier: tier.to,
      status: sync.status,
    };
  });
}

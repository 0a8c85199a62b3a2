// A credit purchase was refunded (Stripe `charge.refunded`, one call per Stripe refund object).
//
// Policy (SPEC §4 leaves it to us):
// - Credits: the balance drops by the refunded amount, but never below zero — only what is still
//   unspent can be taken back. Money refunded beyond the unspent balance (credits already used)
//   is written off by an `adjustment` entry and recorded in the audit log for operators; it is
//   not turned into an invoice.
// - Historical spend drops by the whole refunded amount: refunded money was not spent. It
//   therefore never falls below the other purchases and paid invoices. The tier is NOT lowered
//   (tiers never go down automatically, SPEC §3); an operator can set it explicitly.
// Idempotent per Stripe refund id; the refunds of one purchase can never exceed the purchase.
import { db } from "../db";
import { maxBig, minBig, usdString } from "../money";
import { checkAmount, checkKey } from "./amounts";
import { creditLedgerKey } from "./grant-credits";
import { lockAccount } from "./lock-account";
import { postLedgerEntry } from "./post-ledger-entry";
import { revokeAccountLeases } from "./spend-lease";
import { syncSuspension } from "./suspension";

export interface RefundCreditsInput {
  accountId: string;
  /** The idempotencyKey the purchase was granted with (e.g. the Checkout session id). */
  purchaseKey: string;
  /** Stripe refund id (re_…): the natural key of this refund. */
  refundId: string;
  amountMicros: bigint;
  at?: Date;
}

export type RefundCreditsResult =
  | { ok: true; refunded: true; creditsRemovedMicros: bigint; writtenOffMicros: bigint; status: "active" | "suspended" }
  | { ok: true; refunded: false; reason: "duplicate" }
  | { ok: false; reason: "invalid_amount" | "invalid_key" | "no_account" | "unknown_purchase" | "exceeds_purchase"; message: string };

export async function refundCredits(input: RefundCreditsInput): Promise<RefundCreditsResult> {
  const amount = checkAmount(input.amountMicros, { field: "amountMicros", positive: true, step: "cent" });
  if (!amount.ok) return amount;
  for (const [field, value] of [
    ["purchaseKey", input.purchaseKey],
    ["refundId", input.refundId],
  ] as const) {
    const key = checkKey(value, field);
    if (!key.ok) return key;
  }
  const at = input.at ?? new Date();
  return db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, input.accountId)))
      return { ok: false as const, reason: "no_account" as const, message: "account not found" };
    const purchase = await tx.ledgerEntry.findFirst({
      where: { accountId: input.accountId, kind: "credit_purchase", idempotencyKey: creditLedgerKey(input.purchaseKey) },
      select: { id: true, amountMicros: true },
    });
    // Not granted (yet): the webhook should answer 5xx so Stripe retries after the grant.
    if (!purchase)
      return { ok: false as const, reason: "unknown_purchase" as const, message: "no credit purchase with this key on this account" };
    const prefix = `refund:${purchase.id}:`;
    const key = prefix + input.refundId;
    if (await tx.ledgerEntry.findUnique({ where: { idempotencyKey: key }, select: { id: true } })) {
      return { ok: true as const, refunded: false as const, reason: "duplicate" as const };
    }
    const earlier = await tx.ledgerEntry.aggregate({
      where: { accountId: input.accountId, kind: "refund", idempotencyKey: { startsWith: prefix } },
      _sum: { amountMicros: true },
    });
    const alreadyRefunded = -(earlier._sum.amountMicros ?? 0n);
    if (alreadyRefunded + amount.micros > purchase.amountMicros) {
      return {
        ok: false as const,
        reason: "exceeds_purchase" as const,
        message: `amountMicros: refunds would total more than the $${usdString(purchase.amountMicros)} purchase`,
      };
    }
    const { creditBalanceMicros: balance } = await tx.account.findUniqueOrThrow({
      where: { id: input.accountId },
      select: { creditBalanceMicros: true },
    });
    const removed = minBig(amount.micros, maxBig(balance, 0n));
    const writtenOff = amount.micros - removed;
    await postLedgerEntry(tx, {
      accountId: input.accountId,
      kind: "refund",
      amountMicros: -amount.micros,
      historicalMicros: -amount.micros,
      idempotencyKey: key,
      description: `Refund of credit purchase ($${usdString(amount.micros)})`,
      at,
    });
    if (writtenOff > 0n) {
      await postLedgerEntry(tx, {
        accountId: input.accountId,
        kind: "adjustment",
        amountMicros: writtenOff,
        idempotencyKey: `refund-writeoff:${purchase.id}:${input.refundId}`,
        description: `Refund exceeded unspent credits: $${usdString(writtenOff)} written off`,
        at,
      });
      await tx.auditLog.create({
        data: {
          accountId: input.accountId,
          action: "refund.exceeds_unspent_credits",
          detail: { refundId: input.refundId, refundedUsd: usdString(amount.micros), writtenOffUsd: usdString(writtenOff) },
        },
      });
    }
    // Fewer credits (Tier 0's cap, a card-less account's budget): budget leased against them goes back.
    await revokeAccountLeases(input.accountId, tx);
    const sync = await syncSuspension(tx, input.accountId, at);
    return { ok: true as const, refunded: true as const, creditsRemovedMicros: removed, writtenOffMicros: writtenOff, status: sync.status };
  });
}

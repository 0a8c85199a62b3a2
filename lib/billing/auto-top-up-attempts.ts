// Auto top-up attempts (SPEC §4): the JobRun rows ("auto-top-up-attempt", "<account>:<YYYY-MM>:<n>")
// that record each charge before it is made, what they remember, and the payment side's contract.
// Shared by runAutoTopUp (claim, charge, grant) and the look-up of an attempt closed unconfirmed.
import type { Prisma } from "../db/generated/client";
import { notify } from "../alerts/notify";
import { usdString, type Micros } from "../money";
import type { AutoTopUpDecision } from "./auto-top-up-due";
import { inTransaction } from "../db";
import { creditLedgerKey, grantCredits } from "./grant-credits";
import type { Tx } from "./lock-account";
import { upsertPurchasePayment } from "./upsert-purchase-payment";

export const ATTEMPT_JOB = "auto-top-up-attempt";
/** An open attempt this old is presumed dead (its instance stopped, or its charge got no answer). */
export const STALE_AFTER_MS = 10 * 60_000;
/** What the owner is told, and the attempt records, when a charge is closed without an answer. */
export const UNCONFIRMED_MESSAGE =
  "the payment service did not confirm the charge; if it went through, the credits are added when it reports it";

/**
 * `reference`: the payment service's id of the charge (Stripe: the PaymentIntent id). The grant
 * records the purchase's payment under it, so the purchase can be refunded without its webhook.
 */
export type ChargeResult = { ok: true; reference?: string } | { ok: false; message: string };
/** Charge the account's saved payment method; must be idempotent on `idempotencyKey`. */
export type ChargeFn = (accountId: string, amountMicros: Micros, idempotencyKey: string) => Promise<ChargeResult>;
/** What the payment service holds of the charge made under a key. */
export type FoundCharge =
  { status: "succeeded"; amountMicros: Micros; reference: string } | { status: "pending" } | { status: "not_charged" };
/**
 * Find the charge made under `idempotencyKey` (first tried at `since`) at the payment service. A
 * charge that can still complete is made final first (an open one is cancelled), so "not charged"
 * stays true; one found succeeded is recorded as a payment, as its webhook would have done.
 */
export type FindChargeFn = (accountId: string, idempotencyKey: string, since: Date) => Promise<FoundCharge>;
/** The payment side of auto top-up: the charge, and the look-up of one never confirmed. */
export interface TopUpPayments {
  charge: ChargeFn;
  findCharge: FindChargeFn;
}

export type AutoTopUpRun =
  | {
      outcome: "not_due";
      reason: Extract<AutoTopUpDecision, { due: false }>["reason"] | "no_payment_method" | "too_many_failures" | "no_account";
    }
  | { outcome: "in_progress" | "backing_off" }
  | { outcome: "topped_up"; idempotencyKey: string; amountMicros: Micros }
  | { outcome: "charge_failed"; idempotencyKey: string; message: string }
  | { outcome: "charge_unknown"; idempotencyKey: string };

export type Attempt = { id: string; key: string; status: string; startedAt: Date; finishedAt: Date | null; result: Prisma.JsonValue };
export const attemptSelect = { id: true, key: true, status: true, startedAt: true, finishedAt: true, result: true } as const;

/** The key the charge, its grant and its webhook share. */
export const attemptPurchaseKey = (attemptKey: string) => `auto-top-up:${attemptKey}`;

/** What an attempt row remembers: its amount, its first try, its retries, and whether it is unconfirmed. */
export function attemptInfo(a: Attempt) {
  const stored = a.result && typeof a.result === "object" && !Array.isArray(a.result) ? (a.result as Record<string, unknown>) : {};
  const amount = typeof stored.amountMicros === "string" && /^\d+$/.test(stored.amountMicros) ? BigInt(stored.amountMicros) : null;
  const first = typeof stored.firstTriedAt === "string" ? new Date(stored.firstTriedAt) : a.startedAt;
  const lookupFailed = typeof stored.lookupFailedAt === "string" ? new Date(stored.lookupFailedAt) : null;
  return {
    stored,
    amountMicros: amount,
    firstTriedAt: Number.isNaN(first.getTime()) ? a.startedAt : first,
    retakes: typeof stored.retakes === "number" ? stored.retakes : 0,
    /** Closed without knowing whether the card was charged, and not looked up since (rows from before
     * the flag existed are known by their message). */
    unconfirmed:
      a.status === "failed" &&
      (stored.unconfirmed === true || (stored.unconfirmed === undefined && stored.message === UNCONFIRMED_MESSAGE)),
    lookupFailedAt: lookupFailed && !Number.isNaN(lookupFailed.getTime()) ? lookupFailed : null,
  };
}

/** "Credits added", once per attempt (whichever of the charge's answer, its look-up and its webhook comes first). */
export function notifyToppedUp(tx: Tx, accountId: string, key: string, amountMicros: Micros) {
  return notify(tx, {
    accountId,
    kind: "auto_top_up",
    title: `Auto top-up: $${usdString(amountMicros)} of credits added`,
    body: "Your credit balance fell below your auto top-up threshold.",
    dedupeKey: `${ATTEMPT_JOB}:${key}:succeeded`,
  });
}

/**
 * An attempt (open, or closed unconfirmed) whose credits were granted meanwhile — payment_intent.succeeded
 * under its key — is closed as succeeded, with the owner's "credits added". True when it was.
 */
export async function settleIfGranted(tx: Tx, accountId: string, a: Attempt, now: Date): Promise<boolean> {
  const granted = await tx.ledgerEntry.findUnique({
    where: { idempotencyKey: creditLedgerKey(attemptPurchaseKey(a.key)) },
    select: { amountMicros: true },
  });
  if (!granted) return false;
  const result = { ...attemptInfo(a).stored, unconfirmed: false, note: "credits granted when the payment service reported the charge" };
  await tx.jobRun.update({ where: { id: a.id }, data: { status: "succeeded", finishedAt: now, result } });
  await notifyToppedUp(tx, accountId, a.key, granted.amountMicros);
  Object.assign(a, { status: "succeeded", finishedAt: now, result });
  return true;
}

/**
 * Grant an attempt's credits under its key, record the purchase's payment, and close the attempt as
 * succeeded with the owner's "credits added" — all in one transaction.
 *
 * The payment row (`reference`: the charge's PaymentIntent) is written here, not left to
 * `payment_intent.succeeded`: until a row exists the purchase is not listed, cannot be refunded
 * through the operator route, and a Dashboard refund's `charge.refunded` is answered "retry" — for
 * ever, if the webhook is lost. The webhook writes the same row (same id, from the purchase key), so
 * whichever comes second changes nothing (upsert-purchase-payment.ts). Without a reference (a payment
 * service that gives none) there is nothing a refund could use, and the webhook records it.
 */
export async function grantAttempt(
  accountId: string,
  a: { id: string; key: string },
  amountMicros: Micros,
  reference: string | undefined,
  result: Prisma.InputJsonObject,
  now: Date,
): Promise<void> {
  const purchaseKey = attemptPurchaseKey(a.key);
  await inTransaction(async (tx) => {
    // grantCredits joins this transaction (lib/db inTransaction).
    const granted = await grantCredits({
      accountId,
      amountMicros,
      idempotencyKey: purchaseKey,
      kind: "credit_purchase",
      description: `Auto top-up ($${usdString(amountMicros)})`,
      at: now,
    });
    if (!granted.ok) throw new Error(`auto top-up grant refused: ${granted.message}`);
    if (reference) {
      await upsertPurchasePayment(tx, {
        purchaseKey,
        accountId,
        purpose: "auto_top_up",
        status: "succeeded",
        amountMicros,
        paymentIntentId: reference,
      });
    }
    await tx.jobRun.update({ where: { id: a.id }, data: { status: "succeeded", finishedAt: now, result } });
    await notifyToppedUp(tx, accountId, a.key, amountMicros);
  });
}

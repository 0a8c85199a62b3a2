// Input checks for money given to billing verbs (pure). Verbs are called from routes, webhooks and
// jobs; each re-checks its amounts here so a bad value is refused before anything is written. Also
// the rules for what a card can be charged: whole cents (centFraction, tooSmallToCharge), and at
// least Stripe's minimum charge (belowMinimumCharge).
import { MICROS_PER_CENT, MICROS_PER_USD, parseUsd, usd, usdString, type Micros } from "../money";

export interface AmountRules {
  /** Name used in the message ("amountMicros"). */
  field: string;
  min?: Micros;
  max?: Micros;
  /** Smallest unit the amount must be a multiple of. */
  step?: "micro" | "cent" | "dollar";
  /** Strictly greater than zero. */
  positive?: boolean;
}

export type AmountCheck = { ok: true; micros: Micros } | { ok: false; reason: "invalid_amount"; message: string };

/** Credits bought through Checkout or auto top-up: whole dollars, $5 … $50,000 (SPEC §4). */
export const CREDIT_PURCHASE_MIN = usd(5);
export const CREDIT_PURCHASE_MAX = usd(50_000);

export function checkAmount(value: unknown, rules: AmountRules): AmountCheck {
  const fail = (message: string): AmountCheck => ({ ok: false, reason: "invalid_amount", message: `${rules.field}: ${message}` });
  // Only BigInt micro-USD is money here: a number (NaN, 1.5, 1e21) never is.
  if (typeof value !== "bigint") return fail("must be an integer amount of micro-USD (BigInt)");
  if (rules.positive && value <= 0n) return fail("must be greater than 0");
  if (value < 0n) return fail("must not be negative");
  if (rules.step === "cent" && value % MICROS_PER_CENT !== 0n) return fail("must be a whole number of cents");
  if (rules.step === "dollar" && value % MICROS_PER_USD !== 0n) return fail("must be a whole number of dollars");
  if (rules.min !== undefined && value < rules.min) return fail(`must be at least ${usdString(rules.min)} USD`);
  if (rules.max !== undefined && value > rules.max) return fail(`must be at most ${usdString(rules.max)} USD`);
  return { ok: true, micros: value };
}

/** Natural keys (Stripe ids, request ids…): non-empty, bounded, printable. */
export function checkKey(value: unknown, field: string): { ok: true } | { ok: false; reason: "invalid_key"; message: string } {
  if (typeof value !== "string" || value.trim() === "" || value.length > 255 || /[\u0000-\u001f]/.test(value)) {
    return { ok: false, reason: "invalid_key", message: `${field}: must be a non-empty string of at most 255 printable characters` };
  }
  return { ok: true };
}

/**
 * The part of an amount below a whole cent (0 for none, or for amounts ≤ 0). A card is charged
 * whole cents, so this part of an invoice's amount due is waived before it is charged
 * (waive-cent-fractions.ts): invoices round down to the cent, in the customer's favour.
 */
export function centFraction(micros: Micros): Micros {
  return micros > 0n ? micros % MICROS_PER_CENT : 0n;
}

/**
 * More than nothing but less than a cent: no whole cent to charge. Such an amount due is waived at
 * month close (waive-cent-fractions.ts); one left on a draft from before is paid by new credits
 * (pay-invoices-from-credits.ts).
 */
export function tooSmallToCharge(micros: Micros): boolean {
  return micros > 0n && micros < MICROS_PER_CENT;
}

/**
 * Stripe's smallest card charge in USD. Stripe refuses a PaymentIntent below it, and marks an
 * invoice with less than it due paid without charging anything (the amount going to the customer's
 * balance in Stripe, which Headroom does not use). So Headroom never sends an invoice with less than
 * this due: it stays payable here (new credits pay it) and month close carries it into the next
 * month's invoice (carry-small-invoices.ts).
 */
export const MINIMUM_CARD_CHARGE: Micros = parseUsd("0.50");

/** Something is due, but less than a card can be charged. */
export function belowMinimumCharge(micros: Micros): boolean {
  return micros > 0n && micros < MINIMUM_CARD_CHARGE;
}

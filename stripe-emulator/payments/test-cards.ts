// Stripe's test cards and their behaviour (https://docs.stripe.com/testing), plus the
// `pm_card_*` / `tok_*` shortcuts Stripe accepts in test mode.
import { createHash } from "node:crypto";
import type { CardDecline } from "../core/errors";

export interface TestCard {
  number: string;
  brand: "visa" | "mastercard" | "amex" | "discover";
  funding: "credit" | "debit";
  /** Outcome when the card is saved (SetupIntent, attach); null = succeeds. */
  onSetup: CardDecline | null;
  /** Outcome of every charge; null = succeeds. */
  onCharge: CardDecline | null;
  /** Refunds of its charges start `pending` and succeed a minute later (Stripe's 4000000000007726). */
  pendingRefunds?: boolean;
}

const DECLINED: CardDecline = { code: "card_declined", declineCode: "generic_decline", message: "Your card was declined." };

const DECLINES = {
  generic: DECLINED,
  insufficientFunds: {
    code: "card_declined",
    declineCode: "insufficient_funds",
    message: "Your card has insufficient funds.",
  },
  lost: { code: "card_declined", declineCode: "lost_card", message: "Your card was declined." },
  stolen: { code: "card_declined", declineCode: "stolen_card", message: "Your card was declined." },
  expired: { code: "expired_card", declineCode: "expired_card", message: "Your card has expired." },
  incorrectCvc: { code: "incorrect_cvc", declineCode: "incorrect_cvc", message: "Your card's security code is incorrect." },
  processing: {
    code: "processing_error",
    declineCode: "processing_error",
    message: "An error occurred while processing your card. Try again in a little bit.",
  },
} satisfies Record<string, CardDecline>;

function card(
  number: string,
  brand: TestCard["brand"],
  onSetup: CardDecline | null = null,
  onCharge: CardDecline | null = onSetup,
  funding: TestCard["funding"] = "credit",
): TestCard {
  return { number, brand, funding, onSetup, onCharge };
}

export const TEST_CARDS: readonly TestCard[] = [
  card("4242424242424242", "visa"),
  card("4000056655665556", "visa", null, null, "debit"),
  card("5555555555554444", "mastercard"),
  card("378282246310005", "amex"),
  card("6011111111111117", "discover"),
  // Attaches to a customer, but every charge is declined.
  card("4000000000000341", "visa", null, DECLINES.generic),
  card("4000000000000002", "visa", DECLINES.generic),
  card("4000000000009995", "visa", null, DECLINES.insufficientFunds),
  card("4000000000009987", "visa", DECLINES.lost),
  card("4000000000009979", "visa", DECLINES.stolen),
  card("4000000000000069", "visa", DECLINES.expired),
  card("4000000000000127", "visa", DECLINES.incorrectCvc),
  card("4000000000000119", "visa", DECLINES.processing),
  { ...card("4000000000007726", "visa"), pendingRefunds: true },
];

/** Suffixes of `pm_card_<x>` and `tok_<x>`. */
const SHORTCUTS: Record<string, string> = {
  visa: "4242424242424242",
  visa_debit: "4000056655665556",
  mastercard: "5555555555554444",
  amex: "378282246310005",
  discover: "6011111111111117",
  chargeCustomerFail: "4000000000000341",
  chargeDeclined: "4000000000000002",
  chargeDeclinedInsufficientFunds: "4000000000009995",
  chargeDeclinedLostCard: "4000000000009987",
  chargeDeclinedStolenCard: "4000000000009979",
  chargeDeclinedExpiredCard: "4000000000000069",
  chargeDeclinedIncorrectCvc: "4000000000000127",
  chargeDeclinedProcessingError: "4000000000000119",
  refundPending: "4000000000007726",
};

export function testCardByNumber(number: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.number === number);
}

/** `pm_card_visa` → the Visa test card; `tok_chargeDeclined` → 4000000000000002. */
export function testCardByShortcut(id: string): TestCard | undefined {
  const m = /^(?:pm_card_|tok_)(.+)$/.exec(id);
  const number = m ? SHORTCUTS[m[1] ?? ""] : undefined;
  return number ? testCardByNumber(number) : undefined;
}

export function isShortcut(id: string): boolean {
  return /^(?:pm_card_|tok_)/.test(id);
}

export function fingerprint(number: string): string {
  return createHash("sha256").update(`stripe-emulator:${number}`).digest("base64url").replace(/[-_]/g, "").slice(0, 16);
}

export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return number.length >= 12 && sum % 10 === 0;
}

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export type CardInputResult =
  | { ok: true; card: TestCard; expMonth: number; expYear: number }
  | { ok: false; field: "cardNumber" | "cardExpiry" | "cardCvc"; message: string };

/** Validates what a customer typed on a hosted page, with Stripe Elements' messages. */
export function readCardInput(raw: { number: string; expiry: string; cvc: string }, now: Date): CardInputResult {
  const number = raw.number.replace(/[\s-]/g, "");
  if (!/^\d+$/.test(number) || number.length < 13) {
    return { ok: false, field: "cardNumber", message: "Your card number is incomplete." };
  }
  if (!luhnValid(number)) return { ok: false, field: "cardNumber", message: "Your card number is invalid." };
  const card = testCardByNumber(number);
  if (!card) {
    return {
      ok: false,
      field: "cardNumber",
      message:
        "Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://docs.stripe.com/testing.",
    };
  }
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(raw.expiry);
  if (!m) return { ok: false, field: "cardExpiry", message: "Your card's expiration date is incomplete." };
  const expMonth = Number(m[1]);
  const yearText = m[2] ?? "";
  const expYear = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  if (expMonth < 1 || expMonth > 12) {
    return { ok: false, field: "cardExpiry", message: "Your card's expiration date is invalid." };
  }
  const year = now.getUTCFullYear();
  if (expYear < year) return { ok: false, field: "cardExpiry", message: "Your card's expiration year is in the past." };
  if (expYear === year && expMonth < now.getUTCMonth() + 1) {
    return { ok: false, field: "cardExpiry", message: "Your card's expiration date is in the past." };
  }
  const cvcLength = card.brand === "amex" ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(raw.cvc.trim())) {
    return { ok: false, field: "cardCvc", message: "Your card's security code is incomplete." };
  }
  return { ok: true, card, expMonth, expYear };
}

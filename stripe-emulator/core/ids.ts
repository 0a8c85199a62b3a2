// Stripe-shaped identifiers: `<prefix>_<random base62>`, test-mode prefixes where Stripe uses them.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomBase62(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = "";
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    // Rejection sampling keeps the distribution uniform (248 = 62 × 4).
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out.length === length ? out : out + randomBase62(length - out.length);
}

/** Stripe's prefixes; Checkout Sessions carry the mode in the prefix (`cs_test_…`). */
export const ID_PREFIX = {
  customer: "cus",
  checkoutSession: "cs_test",
  paymentMethod: "pm",
  setupIntent: "seti",
  setupAttempt: "setatt",
  paymentIntent: "pi",
  charge: "ch",
  invoice: "in",
  invoiceItem: "ii",
  invoiceLineItem: "il",
  invoicePayment: "inpay",
  refund: "re",
  event: "evt",
  request: "req",
  price: "price",
  product: "prod",
  checkoutLineItem: "li",
  balanceTransaction: "txn",
  delivery: "whdel",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

const LENGTH: Partial<Record<IdKind, number>> = {
  customer: 14,
  checkoutSession: 58,
  request: 14,
  delivery: 16,
};

export function newId(kind: IdKind): string {
  return `${ID_PREFIX[kind]}_${randomBase62(LENGTH[kind] ?? 24)}`;
}

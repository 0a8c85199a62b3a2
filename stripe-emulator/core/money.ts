// Amount helpers: Stripe amounts are integers in the currency's minor unit.
import type Stripe from "stripe";
import { invalidRequest } from "./errors";

const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

/** Stripe's minimum charge amounts (minor units) for the common settlement currencies. */
const MINIMUM_CHARGE: Record<string, number> = { usd: 50, eur: 50, gbp: 30, cad: 50, aud: 50, chf: 50, jpy: 50 };

export function minorUnitDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency.toLowerCase()) ? 0 : 2;
}

export function formatAmount(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const value = amount / 10 ** digits;
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: currency.toUpperCase(),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency.toUpperCase()}`;
  }
}

export function assertCurrency(currency: string, param: string): string {
  const c = currency.toLowerCase();
  if (!/^[a-z]{3}$/.test(c))
    throw invalidRequest(`Invalid currency: ${currency}. Stripe currently supports these currencies: usd, eur, gbp, …`, { param });
  return c;
}

/** The smallest amount a charge in this currency may be (minor units); 0 when Stripe lists none here. */
export function minimumCharge(currency: string): number {
  return MINIMUM_CHARGE[currency.toLowerCase()] ?? 0;
}

export function assertMinimumCharge(amount: number, currency: string, param: string): void {
  const min = MINIMUM_CHARGE[currency];
  if (min !== undefined && amount < min) {
    throw invalidRequest(`Amount must be at least ${formatAmount(min, currency)} ${currency}`, {
      param,
      code: "amount_too_small",
    });
  }
}

/** Stripe's decimal fields travel as strings; the SDK turns them into Decimal objects. */
export function decimal(value: string): Stripe.Decimal {
  return value as unknown as Stripe.Decimal;
}

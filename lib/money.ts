// Money is integer micro-USD (BigInt) everywhere; decimal strings only at the edges (SPEC §2).
export const MICROS_PER_USD = 1_000_000n;
export const MICROS_PER_CENT = 10_000n;

export type Micros = bigint;

const DECIMAL_USD = /^(-)?(\d{1,15})(?:\.(\d{1,6}))?$/;

/** "12.34" → 12_340_000n. Throws RangeError on anything that is not an exact decimal of ≤ 6 places. */
export function parseUsd(text: string): Micros {
  const match = DECIMAL_USD.exec(text.trim());
  if (!match) throw new RangeError(`not a USD amount: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ""] = match;
  const micros = BigInt(whole!) * MICROS_PER_USD + BigInt(frac.padEnd(6, "0"));
  return sign ? -micros : micros;
}

/** 12_340_000n → "12.340000" (exact, 6 places) or with `places` 2 → "12.34" (must be exact). */
export function formatUsd(micros: Micros, places: 2 | 6 = 6): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / MICROS_PER_USD;
  const frac = (abs % MICROS_PER_USD).toString().padStart(6, "0");
  const shown = places === 6 ? frac : frac.slice(0, 2);
  if (places === 2 && frac.slice(2) !== "0000") {
    // Never silently drop money: fall back to full precision.
    return `${negative ? "-" : ""}${whole}.${frac}`;
  }
  return `${negative ? "-" : ""}${whole}.${shown}`;
}

/** Money as the API shows it: two places when exact to the cent, else six. */
export function usdString(micros: Micros): string {
  return formatUsd(micros, 2);
}

/** "$1,234.56" for people (UI, CLI). Rounds toward zero to the cent only for display. */
export function displayUsd(micros: Micros): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const cents = abs / MICROS_PER_CENT;
  const whole = (cents / 100n).toLocaleString("en-US");
  const frac = (cents % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}$${whole}.${frac}`;
}

/** "$0.5336", "$1,234.50" for people where a fraction of a cent matters: at least two places, exact. */
export function displayUsdExact(micros: Micros): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = (abs / MICROS_PER_USD).toLocaleString("en-US");
  const frac = (abs % MICROS_PER_USD)
    .toString()
    .padStart(6, "0")
    .replace(/(\d{2}\d*?)0+$/, "$1");
  return `${negative ? "-" : ""}$${whole}.${frac}`;
}

export function usd(dollars: number | bigint): Micros {
  if (typeof dollars === "number" && !Number.isInteger(dollars)) {
    throw new RangeError("usd() takes whole dollars; use parseUsd for decimals");
  }
  return BigInt(dollars) * MICROS_PER_USD;
}

/** ceil(a / b) for non-negative BigInts. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** SPEC §2: cost of a request = ceil(prompt × in / 1e6) + ceil(completion × out / 1e6). */
export function requestCostMicros(
  promptTokens: number,
  completionTokens: number,
  inputPricePerMTok: Micros,
  outputPricePerMTok: Micros,
): Micros {
  return ceilDiv(BigInt(promptTokens) * inputPricePerMTok, 1_000_000n) + ceilDiv(BigInt(completionTokens) * outputPricePerMTok, 1_000_000n);
}

export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

// Stripe counts whole cents; Headroom counts micro-USD (SPEC §2). Conversions are pure and exact
// where money is whole cents (credits are whole dollars; an invoice's amount due is made whole cents
// before it is sent, waive-cent-fractions.ts); invoice lines, which can carry fractions of a cent,
// are allocated the whole cents of the total, so they add up to it exactly.
import { MICROS_PER_CENT } from "../money";

/** Micro-USD that are a whole number of cents → cents; throws otherwise (a bug, never rounding). */
export function exactCents(micros: bigint): number {
  if (micros % MICROS_PER_CENT !== 0n) throw new RangeError(`${micros} micro-USD is not a whole number of cents`);
  return Number(micros / MICROS_PER_CENT);
}

/** Whole cents in an amount, the fraction of a cent dropped (toward zero). */
export function floorToCents(micros: bigint): bigint {
  return micros / MICROS_PER_CENT;
}

/** Round half up to the cent (non-negative amounts). */
export function roundToCents(micros: bigint): bigint {
  if (micros < 0n) return -roundToCents(-micros);
  return (micros + MICROS_PER_CENT / 2n) / MICROS_PER_CENT;
}

export const centsOf = (cents: number | bigint): bigint => BigInt(cents) * MICROS_PER_CENT;

/**
 * Split `totalCents` over lines in proportion to their micro-USD amounts (largest remainder), so
 * every line shows its own rounded amount and the lines add up to exactly `totalCents`.
 */
export function allocateCents(lineMicros: readonly bigint[], totalCents: bigint): bigint[] {
  const sum = lineMicros.reduce((a, b) => a + b, 0n);
  if (lineMicros.length === 0) return [];
  if (sum <= 0n) return lineMicros.map((_, i) => (i === 0 ? totalCents : 0n));
  // Each line's exact share of the total, in cents: floor now, the remainders decide who gets the rest.
  const shares = lineMicros.map((m, index) => {
    const exact = m * totalCents;
    return { index, cents: exact / sum, remainder: exact % sum };
  });
  let left = totalCents - shares.reduce((a, s) => a + s.cents, 0n);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (left <= 0n) break;
    share.cents += 1n;
    left -= 1n;
  }
  return shares.map((s) => s.cents);
}

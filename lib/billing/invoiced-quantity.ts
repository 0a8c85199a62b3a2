// How much of the metered usage an invoice line bills (SPEC §4), pure. An invoice bills the usage
// credits did not pay for, so a line's quantity is the usage its amount pays for — not everything
// metered:
//   - a charge the invoice pays in full counts whole;
//   - a charge credits paid in part (the minute, step or request in which the credits ran out)
//     counts for the part the invoice pays, in proportion to its cost: a 2-GPU minute of $0.0816 of
//     which credits paid $0.0184 counts 2 × 0.0632 / 0.0816 ≈ 1.549 GPU-minutes here, the other
//     0.451 having been paid from credits;
//   - a charge that cost nothing (a training step whose tokens the job's rounded-up price already
//     covered) counts with the line, in the proportion the invoice pays of the line's charges.
// The sum is exact (a fraction) and rounded half up once, to the line's whole unit — so the line
// reads as close as a whole number can to amount ÷ unit price, and what the invoice bills plus what
// credits paid is exactly what was metered. A charge credits paid in full is on no invoice.
export interface PartlyPaidCharge {
  /** The charge's quantity in the line's unit. */
  quantity: bigint;
  invoiceMicros: bigint;
  creditMicros: bigint;
}

export interface LineCharges {
  /** What the invoice pays of the line's charges (the line's amount). */
  amountMicros: bigint;
  /** Quantity of the charges the invoice pays in full. */
  fullQuantity: bigint;
  /** The charges credits paid in part. */
  partlyPaid: readonly PartlyPaidCharge[];
  /** Quantity of the charges that cost nothing. */
  freeQuantity: bigint;
}

/** A non-negative fraction n / d, d > 0, kept reduced. */
interface Fraction {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};

function plus(x: Fraction, n: bigint, d: bigint): Fraction {
  const num = x.n * d + n * x.d;
  const den = x.d * d;
  const g = gcd(num, den);
  return g > 1n ? { n: num / g, d: den / g } : { n: num, d: den };
}

/** The line's quantity: what its amount pays for, rounded half up to a whole unit. */
export function invoicedQuantity(c: LineCharges): bigint {
  let share: Fraction = { n: c.fullQuantity, d: 1n };
  let credits = 0n;
  for (const p of c.partlyPaid) {
    const cost = p.invoiceMicros + p.creditMicros;
    if (cost > 0n) share = plus(share, p.quantity * p.invoiceMicros, cost);
    credits += p.creditMicros;
  }
  if (c.freeQuantity > 0n) {
    // The line's charges cost amount + what credits paid of them; the invoice pays `amount` of that.
    const cost = c.amountMicros + credits;
    share = cost > 0n ? plus(share, c.freeQuantity * c.amountMicros, cost) : plus(share, c.freeQuantity, 1n);
  }
  return (2n * share.n + share.d) / (2n * share.d);
}

// How an invoice's amounts read for people: the console's invoice pages and the CLI's table output
// (pure; JSON — the API, `--output json` — keeps the exact micro-USD strings, SPEC §2, §13).
//
// One rule: an invoice is shown in dollars and cents as the card is charged. Stripe charges whole
// cents, and the fraction of a cent due is waived before an invoice is charged (rounded down, in the
// customer's favour: lib/billing/waive-cent-fractions.ts, and send-invoice.ts planInvoiceItems), so:
//   total  the total in whole cents, the fraction dropped;
//   due    what is still due the same way — what the card is (or was) asked for;
//   paid   total − due as shown, so the three agree on screen (as on the Stripe invoice, where the
//          credits line is exactly that difference); a void invoice shows its payments the same way;
//   lines  allocated by largest remainder so they add up to the total shown, like the Stripe items.
// Rounding each figure on its own (or truncating, as the console once did) shows line amounts that do
// not add up and a due amount a cent away from the charge.
import { displayUsd, MICROS_PER_CENT, parseUsd } from "../money";
import { allocateCents, floorToCents } from "../payments/cents";
import type { InvoiceLineView, InvoiceView } from "./list-invoices";

export interface InvoiceFigures {
  /** "$1,234.56" */
  total: string;
  paid: string;
  due: string;
  /** One per line item, in the order given. */
  lines: string[];
}

type Amounts = Pick<InvoiceView, "totalUsd" | "paidUsd" | "amountDueUsd"> & { lines?: readonly Pick<InvoiceLineView, "amountUsd">[] };

const shown = (cents: bigint) => displayUsd(cents * MICROS_PER_CENT);

export function invoiceFigures(invoice: Amounts): InvoiceFigures {
  const total = parseUsd(invoice.totalUsd);
  const paid = parseUsd(invoice.paidUsd);
  const due = parseUsd(invoice.amountDueUsd);
  const totalCents = floorToCents(total);
  const dueCents = floorToCents(due);
  // Paid and due make up the total except for a void invoice (nothing due, whatever was paid).
  const paidCents = paid + due === total ? totalCents - dueCents : floorToCents(paid);
  const lineMicros = (invoice.lines ?? []).map((l) => parseUsd(l.amountUsd));
  const lineCents =
    lineMicros.reduce((sum, m) => sum + m, 0n) === total ? allocateCents(lineMicros, totalCents) : lineMicros.map(floorToCents);
  return { total: shown(totalCents), paid: shown(paidCents), due: shown(dueCents), lines: lineCents.map(shown) };
}

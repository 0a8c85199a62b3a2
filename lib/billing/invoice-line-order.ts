// The one order of an invoice's lines (SPEC §4), wherever they are listed: the API (and so the
// console and the CLI) and the invoice sent to Stripe. The order decides amounts, not only layout:
// the whole cents of the total are shared among the lines by largest remainder (allocateCents), and
// lines whose remainders tie get the spare cent in list order — so two listings in different orders
// can show a customer the same line a cent apart. Lines are ordered by what they bill (subject),
// then description, then id (unique, so the order is total). Compared here, by UTF-16 code units,
// never by the database: collations differ between PostgreSQL installations and PGlite.
export interface OrderedInvoiceLine {
  id: string;
  subject: string;
  description: string;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareInvoiceLines(a: OrderedInvoiceLine, b: OrderedInvoiceLine): number {
  return compareText(a.subject, b.subject) || compareText(a.description, b.description) || compareText(a.id, b.id);
}

/** The lines in the invoice's order (a new array). */
export function sortInvoiceLines<T extends OrderedInvoiceLine>(lines: readonly T[]): T[] {
  return [...lines].sort(compareInvoiceLines);
}

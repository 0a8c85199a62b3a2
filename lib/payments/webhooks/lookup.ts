// Which account and which invoice a Stripe object is about. The customer id is the trusted link
// (we created the customer for the account); our metadata is a fallback for objects that reach us
// before the link is stored, accepted only when it does not contradict the customer.
import type Stripe from "stripe";
import { db } from "../../db";
import type { InvoiceRef } from "../../billing/find-invoice";
import { ACCOUNT_METADATA_KEY, accountIdForCustomer } from "../customers";
import { INVOICE_METADATA_KEY } from "../invoices/send-invoice";

export async function accountFor(customerId: string | null, metadata: Stripe.Metadata | null | undefined): Promise<string | null> {
  const byCustomer = await accountIdForCustomer(customerId);
  if (byCustomer) return byCustomer;
  const claimed = metadata?.[ACCOUNT_METADATA_KEY];
  if (!claimed) return null;
  const account = await db().account.findUnique({ where: { id: claimed }, select: { id: true, stripeCustomerId: true } });
  if (!account) return null;
  if (account.stripeCustomerId && customerId && account.stripeCustomerId !== customerId) return null;
  return account.id;
}

/** Our invoice for a Stripe invoice: by the id we put in its metadata, else by its Stripe id. */
export function invoiceRefOf(invoice: Stripe.Invoice): InvoiceRef | null {
  const ours = invoice.metadata?.[INVOICE_METADATA_KEY];
  if (ours) return { invoiceId: ours };
  return invoice.id ? { stripeInvoiceId: invoice.id } : null;
}

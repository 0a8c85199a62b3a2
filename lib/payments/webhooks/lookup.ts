// Which account and which invoice a Stripe object is about. The customer id is the trusted link
// (we created the customer for the account); our metadata is a fallback for objects that reach us
// before the link is stored, accepted only when it does not contradict the customer.
import type Stripe from "stripe";
import { db } from "../../db";
import type { InvoiceRef } from "../../billing/find-invoice";
import { PURCHASE_KEY_METADATA_KEY } from "../charge-saved-card";
import { PURPOSE_METADATA_KEY } from "../checkout";
import { ACCOUNT_METADATA_KEY, accountIdForCustomer } from "../customers";
import { INVOICE_METADATA_KEY } from "../invoices/send-invoice";
import { idOf } from "./types";

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

/**
 * An auto top-up's PaymentIntent: its purchase key and account, or why the event is not ours
 * (Checkout's own intents are handled by checkout.session.completed).
 */
export async function autoTopUpIntent(pi: Stripe.PaymentIntent): Promise<{ purchaseKey: string; accountId: string } | { ignored: string }> {
  const purchaseKey = pi.metadata?.[PURCHASE_KEY_METADATA_KEY];
  if (pi.metadata?.[PURPOSE_METADATA_KEY] !== "auto_top_up" || !purchaseKey) return { ignored: "not an auto top-up" };
  const accountId = await accountFor(idOf(pi.customer), pi.metadata);
  return accountId ? { purchaseKey, accountId } : { ignored: "not a Headroom customer" };
}

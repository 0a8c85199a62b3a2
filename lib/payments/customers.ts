// Each account has at most one Stripe Customer, created lazily the first time money is involved
// (Checkout, a saved card, an invoice) and remembered in Account.stripeCustomerId.
import Stripe from "stripe";
import { db } from "../db";
import { stripe } from "./stripe-client";

export const ACCOUNT_METADATA_KEY = "headroom_account_id";

export type CustomerResult = { ok: true; customerId: string } | { ok: false; reason: "no_account"; message: string };

export async function ensureStripeCustomer(accountId: string): Promise<CustomerResult> {
  const account = await db().account.findUnique({
    where: { id: accountId },
    select: {
      name: true,
      stripeCustomerId: true,
      memberships: { where: { role: "owner" }, orderBy: { createdAt: "asc" }, take: 1, select: { user: { select: { email: true } } } },
    },
  });
  if (!account) return { ok: false, reason: "no_account", message: "account not found" };
  if (account.stripeCustomerId) return { ok: true, customerId: account.stripeCustomerId };

  let customerId: string;
  try {
    // The idempotency key makes concurrent first purchases of one account create ONE customer.
    const customer = await stripe().customers.create(
      {
        name: account.name,
        ...(account.memberships[0] ? { email: account.memberships[0].user.email } : {}),
        metadata: { [ACCOUNT_METADATA_KEY]: accountId },
      },
      { idempotencyKey: `headroom-customer-${accountId}` },
    );
    customerId = customer.id;
  } catch (err) {
    // Same key, different parameters (the name changed within Stripe's 24 h key window): a racer won.
    if (!(err instanceof Stripe.errors.StripeIdempotencyError)) throw err;
    const stored = await db().account.findUnique({ where: { id: accountId }, select: { stripeCustomerId: true } });
    if (stored?.stripeCustomerId) return { ok: true, customerId: stored.stripeCustomerId };
    throw err;
  }
  // Only the first writer sets it; everyone returns what is stored.
  await db().account.updateMany({ where: { id: accountId, stripeCustomerId: null }, data: { stripeCustomerId: customerId } });
  const stored = await db().account.findUniqueOrThrow({ where: { id: accountId }, select: { stripeCustomerId: true } });
  return { ok: true, customerId: stored.stripeCustomerId ?? customerId };
}

/** The account a Stripe customer belongs to (null: not one of ours). */
export async function accountIdForCustomer(customerId: string | null | undefined): Promise<string | null> {
  if (!customerId) return null;
  const account = await db().account.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } });
  return account?.id ?? null;
}

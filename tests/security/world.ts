// The cast of the authorization matrix: one target account with an owner, a member and a revoked
// key; the owner of another account; an operator (who owns an account of their own). Everything is
// built through the app's own verbs (fixtures), and each route's entry in route-table.ts makes the
// resources its path or body names — in the target account, or a fresh account for operator routes.
import { encode } from "next-auth/jwt";
import { db } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import { startStripeEmulator } from "@/stripe-emulator/server";
import { usd } from "@/lib/money";
import { revokeApiKey } from "@/lib/keys/revoke-api-key";
import { createApiKey } from "@/lib/keys/create-api-key";
import { closeMonth } from "@/lib/billing/close-month";
import { markInvoiceOpen } from "@/lib/billing/mark-invoice-open";
import { createDeployment } from "@/lib/resources/deployments/create-deployment";
import { createCustomModel } from "@/lib/resources/custom-models/create-custom-model";
import { createFineTuningJob } from "@/lib/resources/fine-tuning/create-fine-tuning-job";
import { createQuotaRequest } from "@/lib/quotas/requests/create-quota-request";
import { denyQuotaRequest } from "@/lib/quotas/requests/deny-quota-request";
import { setQuotaValue } from "@/lib/quotas/set-quota-value";
import { grantCredits } from "@/lib/billing/grant-credits";
import { ensureStripeCustomer } from "@/lib/payments/customers";
import { upsertPurchasePayment } from "@/lib/payments/payment-rows";
import { stripe } from "@/lib/payments/stripe-client";
import { invitationTokenHash, newInvitationToken } from "@/lib/accounts/invitation-token";
import { INVITATION_TTL_MS } from "@/lib/accounts/invitations";
import { addMemberFixture, createAccountFixture, seedModelsFixture, type AccountFixture } from "../helpers/fixtures";
import { at2030, chargeUsage } from "../integration/billing/helpers";

export const SESSION_SECRET = "security-suite-secret-0123456789abcdef";

export type Role = "anonymous" | "member" | "otherOwner" | "owner" | "operator" | "revokedKey";
export const ROLES: Role[] = ["anonymous", "member", "otherOwner", "owner", "operator", "revokedKey"];

export interface Person {
  userId: string;
  apiKey: string;
}

export interface World {
  owner: AccountFixture;
  member: Person;
  other: AccountFixture;
  operator: AccountFixture;
  revokedKey: string;
  /** An open invoice (with a payment page) of the target account. */
  invoiceId: string;
  /** Stops the Stripe emulator the payment routes talk to. */
  close: () => Promise<void>;
}

let seq = 0;
const unique = () => `${process.pid}-${Date.now().toString(36)}-${++seq}`;

export async function buildWorld(): Promise<World> {
  // The payment routes talk to Stripe: here, the emulator in-process on a free port.
  const emulator = await startStripeEmulator({ port: 0 });
  delete process.env.STRIPE_SECRET_KEY;
  process.env.HEADROOM_STRIPE_EMULATOR_PORT = String(emulator.port);
  process.env.STRIPE_WEBHOOK_SECRET = emulator.webhookSecret;
  resetEnv();
  await seedModelsFixture();
  const operator = await createAccountFixture({ tier: "tier1", name: "Platform staff" });
  await db().user.update({ where: { id: operator.ownerId }, data: { isOperator: true } });
  const owner = await createAccountFixture({ tier: "tier2", creditsMicros: usd(50), name: "Target Account" });
  // Room for the deployments the matrix creates (one per call of a deployment route).
  await setQuotaValue(owner.accountId, "a100-gpus", 10_000, operator.ownerId);
  const member = await addMemberFixture(owner.accountId);
  const other = await createAccountFixture({ tier: "tier2", creditsMicros: usd(50), name: "Other Account" });
  const revoked = await createApiKey(owner.accountId, "revoked", owner.ownerId);
  await revokeApiKey(owner.accountId, revoked.id, { userId: owner.ownerId, role: "owner" });
  // An invoice for a past month, opened in "Stripe" so it can be paid.
  await chargeUsage(owner.accountId, usd(60), at2030(1, 10));
  const closed = await closeMonth({ period: at2030(1), accountId: owner.accountId, now: at2030(2, 1, 1) });
  if (!closed.ok || !closed.invoiced[0]) throw new Error("expected an invoice for the target account");
  const invoiceId = closed.invoiced[0].invoiceId;
  const opened = await markInvoiceOpen(invoiceId, {
    stripeInvoiceId: `in_sec_${unique()}`,
    hostedUrl: "https://pay.example/in_sec",
    now: at2030(2, 1, 2),
  });
  if (!opened.ok) throw new Error(`could not open the invoice: ${JSON.stringify(opened)}`);
  return {
    owner,
    member: { userId: member.userId, apiKey: member.apiKey },
    other,
    operator,
    revokedKey: revoked.secret,
    invoiceId,
    close: () => emulator.close(),
  };
}

/** Deny every pending quota request (one may be pending per quota and account). */
export async function denyPendingQuotaRequests(operatorId: string): Promise<void> {
  const pending = await db().quotaRequest.findMany({ where: { status: "pending" }, select: { id: true } });
  for (const { id } of pending) await denyQuotaRequest(id, operatorId, "cleared by the security suite");
}

/** A next-auth session cookie for a user, exactly as next-auth writes it (JWT strategy). */
export async function sessionCookie(userId: string, secret = SESSION_SECRET): Promise<string> {
  const token = await encode({ token: { uid: userId, sub: userId }, secret });
  return `next-auth.session-token=${token}`;
}

/** Resource factories (fresh per call, so mutating routes never disturb one another). */
export const make = {
  /** A member of the account (its user id). */
  async member(accountId: string): Promise<string> {
    return (await addMemberFixture(accountId)).userId;
  },
  /**
   * A pending invitation of the account for a new e-mail: its id and its link's token. Written
   * directly and dated two hours back: the matrix makes dozens, and the hourly cap on sending
   * them (which POST /api/v1/members is checked against) must not count these.
   */
  async invitation(accountId: string): Promise<{ id: string; token: string }> {
    const token = newInvitationToken();
    const row = await db().invitation.create({
      data: {
        accountId,
        email: `invitee-${unique()}@example.test`,
        role: "member",
        tokenHash: invitationTokenHash(token)!,
        createdAt: new Date(Date.now() - 2 * 3_600_000),
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      },
      select: { id: true },
    });
    return { id: row.id, token };
  },
  async deployment(accountId: string): Promise<string> {
    const r = await createDeployment(accountId, { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 }, null);
    if (!r.ok) throw new Error(`deployment fixture: ${JSON.stringify(r)}`);
    return r.deployment.id;
  },
  async customModel(accountId: string): Promise<{ id: string; name: string }> {
    const r = await createCustomModel(accountId, { name: `m-${unique()}`.toLowerCase(), kind: "model" }, null);
    if (!r.ok) throw new Error(`custom model fixture: ${JSON.stringify(r)}`);
    return { id: r.model.id, name: r.model.name };
  },
  async fineTuningJob(accountId: string): Promise<string> {
    const r = await createFineTuningJob(accountId, { baseModel: "hr-small-8b", datasetTokens: 1000, epochs: 1 }, null);
    if (!r.ok) throw new Error(`fine-tuning fixture: ${JSON.stringify(r)}`);
    return r.job.id;
  },
  /** A fine-tuning job paused by a (since lifted) suspension, so it can be resumed. */
  async pausedFineTuningJob(accountId: string): Promise<string> {
    const id = await make.fineTuningJob(accountId);
    await db().fineTuningJob.update({ where: { id }, data: { state: "paused", pausedReason: "suspended" } });
    return id;
  },
  async apiKey(accountId: string, createdBy: string | null): Promise<string> {
    return (await createApiKey(accountId, "matrix", createdBy)).id;
  },
  async quotaRequest(accountId: string): Promise<string> {
    const r = await createQuotaRequest(accountId, { quota: "a100-gpus", value: 16, reason: "matrix" }, null);
    if (!r.ok) throw new Error(`quota request fixture: ${JSON.stringify(r)}`);
    return r.request.id;
  },
  /** A throwaway account for operator routes that change an account. */
  async account(): Promise<string> {
    return (await createAccountFixture({ tier: "tier1", creditsMicros: usd(5) })).accountId;
  },
  /** An extra saved card of the account (in our database only: removing it finds nothing to detach in Stripe). */
  async card(accountId: string): Promise<string> {
    const row = await db().paymentMethod.create({
      data: {
        accountId,
        stripePaymentMethodId: `pm_sec_${unique()}`,
        brand: "visa",
        last4: "4242",
        expMonth: 12,
        expYear: 2030,
        isDefault: false,
      },
      select: { id: true },
    });
    return row.id;
  },
  /** A throwaway account with a $20 credit purchase paid in Stripe (the emulator) and granted, as its webhook would. */
  async creditPurchase(): Promise<{ accountId: string; purchaseId: string }> {
    const accountId = await make.account();
    const customer = await ensureStripeCustomer(accountId);
    if (!customer.ok) throw new Error(customer.message);
    const pm = await stripe().paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    await stripe().paymentMethods.attach(pm.id, { customer: customer.customerId });
    const pi = await stripe().paymentIntents.create({
      amount: 2000,
      currency: "usd",
      customer: customer.customerId,
      payment_method: pm.id,
      off_session: true,
      confirm: true,
    });
    const purchaseId = `matrix-${unique()}`;
    const granted = await grantCredits({ accountId, amountMicros: usd(20), idempotencyKey: purchaseId, kind: "credit_purchase" });
    if (!granted.ok) throw new Error(granted.message);
    await upsertPurchasePayment(db(), {
      purchaseKey: purchaseId,
      accountId,
      purpose: "credits",
      status: "succeeded",
      amountMicros: usd(20),
      paymentIntentId: pi.id,
    });
    return { accountId, purchaseId };
  },
  email: () => `sec-${unique()}@example.test`,
};

// The zero-configuration demo (SPEC §14), idempotent: operator, demo owner and account (Tier 1,
// card on file, $10 promotional credit), an API key, and the seeded models with their policies.
// With payments running (`saveCard`), the demo card is a real test card on a Stripe (emulator)
// customer; without (tools, tests), a placeholder row keeps the account Tier 1.
import { db } from "../db";
import { usd } from "../money";
import { hashPassword } from "../auth/password";
import { postLedgerEntry } from "../billing/post-ledger-entry";
import { createApiKey } from "../keys/create-api-key";
import { isWellFormedSecret, secretPrefix } from "../keys/secret";
import { SEED_MODELS } from "./models";

export const OPERATOR_EMAIL = "operator@headroom.local";
export const DEMO_EMAIL = "demo@headroom.local";
export const DEMO_ACCOUNT_NAME = "Demo Inc.";

export interface SeedResult {
  demoAccountId: string;
  /** Set only when this run created the key (it is never readable again). */
  createdApiKey: string | null;
}

export async function seedDemo(opts: {
  password: string;
  apiKey?: string;
  /** Puts a real test card on file for the account (lib/payments/demo-card.ts); called on every start. */
  saveCard?: (accountId: string) => Promise<unknown>;
}): Promise<SeedResult> {
  await seedModels();
  const passwordHash = await hashPassword(opts.password);
  await db().user.upsert({
    where: { email: OPERATOR_EMAIL },
    create: { email: OPERATOR_EMAIL, name: "Operator", passwordHash, isOperator: true },
    update: {},
  });
  const demo = await db().user.upsert({
    where: { email: DEMO_EMAIL },
    create: { email: DEMO_EMAIL, name: "Demo Owner", passwordHash },
    update: {},
    select: { id: true },
  });

  let membership = await db().membership.findFirst({ where: { userId: demo.id, role: "owner" }, select: { accountId: true } });
  if (!membership) {
    membership = await db().$transaction(async (tx) => {
      const account = await tx.account.create({ data: { name: DEMO_ACCOUNT_NAME, tier: "tier1" }, select: { id: true } });
      await tx.membership.create({ data: { userId: demo.id, accountId: account.id, role: "owner" } });
      if (!opts.saveCard) {
        await tx.paymentMethod.create({
          data: {
            accountId: account.id,
            stripePaymentMethodId: `pm_demo_${account.id}`,
            brand: "visa",
            last4: "4242",
            expMonth: 12,
            expYear: new Date().getUTCFullYear() + 3,
          },
        });
      }
      await postLedgerEntry(tx, {
        accountId: account.id,
        kind: "promotional_credit",
        amountMicros: usd(10),
        idempotencyKey: `promo:demo:${account.id}`,
        description: "Demo credit",
      });
      return { accountId: account.id };
    });
  }
  // Also on later starts: replaces an older data folder's placeholder card and survives lost emulator state.
  if (opts.saveCard) await opts.saveCard(membership.accountId);

  let createdApiKey: string | null = null;
  const wanted = opts.apiKey && isWellFormedSecret(opts.apiKey) ? opts.apiKey : undefined;
  if (opts.apiKey && !wanted) throw new Error("HEADROOM_DEMO_API_KEY must look like hr_ followed by 40 letters and digits");
  const existing = wanted
    ? await db().apiKey.findUnique({ where: { prefix: secretPrefix(wanted) }, select: { id: true } })
    : await db().apiKey.findFirst({ where: { accountId: membership.accountId }, select: { id: true } });
  if (!existing) {
    const key = await createApiKey(membership.accountId, "demo", null, wanted);
    createdApiKey = key.secret;
  }
  return { demoAccountId: membership.accountId, createdApiKey };
}

export async function seedModels(): Promise<void> {
  for (const m of SEED_MODELS) {
    const { policy, ...model } = m;
    const row = await db().model.upsert({ where: { name: m.name }, create: model, update: {}, select: { id: true } });
    await db().rateLimitPolicy.upsert({ where: { modelId: row.id }, create: { modelId: row.id, ...policy }, update: {} });
  }
}

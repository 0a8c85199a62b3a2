// A payment method was attached (Stripe setup_intent.succeeded / payment_method.attached): store
// it as the default, move a trial account to Tier 1 and lift `no_payment_method` — one
// transaction (SPEC §3, §5). Idempotent on the Stripe payment method id.
import { db } from "../db";
import { checkKey } from "./amounts";
import { applyTierUpgrade } from "./apply-tier-upgrade";
import { lockAccount } from "./lock-account";
import { syncSuspension } from "./suspension";
import type { Tier } from "../db/generated/enums";

export interface PaymentMethodInput {
  accountId: string;
  stripePaymentMethodId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  at?: Date;
}

export type RecordPaymentMethodResult =
  | { ok: true; paymentMethodId: string; created: boolean; tier: Tier; status: "active" | "suspended" }
  | { ok: false; reason: "invalid_input" | "no_account" | "belongs_to_other_account"; message: string };

export async function recordPaymentMethod(input: PaymentMethodInput): Promise<RecordPaymentMethodResult> {
  const key = checkKey(input.stripePaymentMethodId, "stripePaymentMethodId");
  if (!key.ok) return { ok: false, reason: "invalid_input", message: key.message };
  if (!/^\d{4}$/.test(String(input.last4))) return { ok: false, reason: "invalid_input", message: "last4: must be 4 digits" };
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12) {
    return { ok: false, reason: "invalid_input", message: "expMonth: must be 1…12" };
  }
  if (!Number.isInteger(input.expYear) || input.expYear < 2000 || input.expYear > 2200) {
    return { ok: false, reason: "invalid_input", message: "expYear: must be a four-digit year" };
  }
  const at = input.at ?? new Date();
  return db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, input.accountId)))
      return { ok: false as const, reason: "no_account" as const, message: "account not found" };
    const existing = await tx.paymentMethod.findUnique({
      where: { stripePaymentMethodId: input.stripePaymentMethodId },
      select: { id: true, accountId: true, detachedAt: true },
    });
    if (existing && existing.accountId !== input.accountId) {
      return { ok: false as const, reason: "belongs_to_other_account" as const, message: "payment method is attached to another account" };
    }
    await tx.paymentMethod.updateMany({ where: { accountId: input.accountId, isDefault: true }, data: { isDefault: false } });
    const data = {
      brand: input.brand,
      last4: input.last4,
      expMonth: input.expMonth,
      expYear: input.expYear,
      isDefault: true,
      detachedAt: null,
    };
    const row = existing
      ? await tx.paymentMethod.update({ where: { id: existing.id }, data, select: { id: true } })
      : await tx.paymentMethod.create({
          data: { ...data, accountId: input.accountId, stripePaymentMethodId: input.stripePaymentMethodId, createdAt: at },
          select: { id: true },
        });
    if (!existing || existing.detachedAt) {
      await tx.auditLog.create({
        data: { accountId: input.accountId, action: "payment_method.attached", detail: { brand: input.brand, last4: input.last4 } },
      });
    }
    const tier = await applyTierUpgrade(tx, input.accountId, at);
    const sync = await syncSuspension(tx, input.accountId, at);
    return { ok: true as const, paymentMethodId: row.id, created: !existing, tier: tier.to, status: sync.status };
  });
}

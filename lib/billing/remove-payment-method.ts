// A payment method was detached (by the owner or Stripe's payment_method.detached). The tier
// stays (tiers never go down automatically); with no card left and no credits the account is
// suspended for `no_payment_method` in the same transaction (SPEC §5). When it was the default,
// the newest remaining card becomes the default (the caller tells Stripe). With no card left, auto
// top-up (which charges the saved card) is turned off and the owner told, in the same transaction.
import { db } from "../db";
import { checkKey } from "./amounts";
import { disableAutoTopUp } from "./auto-top-up-settings";
import { lockAccount } from "./lock-account";
import { revokeAccountLeases } from "./spend-lease";
import { syncSuspension } from "./suspension";

export type RemovePaymentMethodResult =
  | {
      ok: true;
      removed: boolean;
      remaining: number;
      status: "active" | "suspended";
      /** The card that became the default because this one was (Stripe id), else null. */
      newDefault: string | null;
    }
  | { ok: false; reason: "invalid_input" | "no_account" | "not_found" | "auto_top_up_on"; message: string };

export async function removePaymentMethod(input: {
  accountId: string;
  stripePaymentMethodId: string;
  actorId?: string | null;
  at?: Date;
  /**
   * Refuse to remove the account's last card while auto top-up is on (the owner's DELETE; a card
   * Stripe detached is gone whatever we decide). Checked under the account's row lock, so two
   * removals of the last two cards at once cannot both pass.
   */
  keepLastForAutoTopUp?: boolean;
}): Promise<RemovePaymentMethodResult> {
  const key = checkKey(input.stripePaymentMethodId, "stripePaymentMethodId");
  if (!key.ok) return { ok: false, reason: "invalid_input", message: key.message };
  const at = input.at ?? new Date();
  return db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, input.accountId)))
      return { ok: false as const, reason: "no_account" as const, message: "account not found" };
    const method = await tx.paymentMethod.findFirst({
      where: { accountId: input.accountId, stripePaymentMethodId: input.stripePaymentMethodId },
      select: { id: true, detachedAt: true, isDefault: true },
    });
    if (!method) return { ok: false as const, reason: "not_found" as const, message: "no such payment method on this account" };
    const removed = method.detachedAt === null;
    if (removed && input.keepLastForAutoTopUp) {
      const others = await tx.paymentMethod.count({ where: { accountId: input.accountId, detachedAt: null, id: { not: method.id } } });
      const autoTopUp = await tx.autoTopUp.findUnique({ where: { accountId: input.accountId }, select: { enabled: true } });
      if (others === 0 && autoTopUp?.enabled)
        return {
          ok: false as const,
          reason: "auto_top_up_on" as const,
          message: "Auto top-up charges this card, your only one: turn auto top-up off first, or add another card.",
        };
    }
    let newDefault: string | null = null;
    if (removed) {
      await tx.paymentMethod.update({ where: { id: method.id }, data: { detachedAt: at, isDefault: false } });
      if (method.isDefault) {
        const next = await tx.paymentMethod.findFirst({
          where: { accountId: input.accountId, detachedAt: null },
          orderBy: { createdAt: "desc" },
          select: { id: true, stripePaymentMethodId: true },
        });
        if (next) {
          await tx.paymentMethod.update({ where: { id: next.id }, data: { isDefault: true } });
          newDefault = next.stripePaymentMethodId;
        }
      }
      await tx.auditLog.create({ data: { accountId: input.accountId, actorId: input.actorId ?? null, action: "payment_method.detached" } });
    }
    const remaining = await tx.paymentMethod.count({ where: { accountId: input.accountId, detachedAt: null } });
    // Without a card, usage must stay within the credits: budget leased against the card goes back.
    if (removed && remaining === 0) {
      await revokeAccountLeases(input.accountId, tx);
      await disableAutoTopUp(tx, input.accountId, at);
    }
    const sync = await syncSuspension(tx, input.accountId, at);
    return { ok: true as const, removed, remaining, status: sync.status, newDefault };
  });
}

/**
 * Undo an owner's removal that Stripe then refused or did not answer: the card is on file again
 * (the default again if it was), and suspension is re-derived — the card is still attached in
 * Stripe, so it can still be charged.
 */
export async function restorePaymentMethod(input: {
  accountId: string;
  stripePaymentMethodId: string;
  makeDefault: boolean;
}): Promise<void> {
  await db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, input.accountId))) return;
    const method = await tx.paymentMethod.findFirst({
      where: { accountId: input.accountId, stripePaymentMethodId: input.stripePaymentMethodId },
      select: { id: true },
    });
    if (!method) return;
    if (input.makeDefault) await tx.paymentMethod.updateMany({ where: { accountId: input.accountId }, data: { isDefault: false } });
    await tx.paymentMethod.update({ where: { id: method.id }, data: { detachedAt: null, isDefault: input.makeDefault } });
    await tx.auditLog.create({ data: { accountId: input.accountId, action: "payment_method.restored" } });
    await syncSuspension(tx, input.accountId);
  });
}

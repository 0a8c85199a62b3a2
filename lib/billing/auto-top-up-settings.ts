// GET/PUT /api/v1/auto-top-up's verbs: the owner's auto top-up settings (SPEC §4). The amount is a
// credit purchase, so whole dollars $5…$50,000 like Checkout; threshold ≥ 0 and monthly maximum
// ≥ amount, whole cents. Without a stored row the defaults of the schema apply (disabled).
//
// Auto top-up charges the saved card, so it is on only while a card is on file: turning it on
// without one is refused (`no_payment_method`, the route's 409), checked under the account's row
// lock against a concurrent removal of the last card; and when the last card goes anyway (Stripe
// detached it), remove-payment-method.ts turns it off and tells the owner (disableAutoTopUp).
// Settings saved "on" without a card before that rule were turned off by the migration
// 20261211120000_auto_top_up_needs_card (the owners told), and the auto top-up job turns off any it
// still finds; reading never reports "on" for an account without a card, whatever the row says.
import { db } from "../db";
import { notify } from "../alerts/notify";
import { usd, type Micros } from "../money";
import { checkAmount, CREDIT_PURCHASE_MAX, CREDIT_PURCHASE_MIN } from "./amounts";
import type { AutoTopUpSettings } from "./auto-top-up-due";
import { lockAccount, type Tx } from "./lock-account";
import { monthStart, periodLabel } from "./period";

export const AUTO_TOP_UP_DEFAULTS: AutoTopUpSettings = {
  enabled: false,
  thresholdMicros: usd(5),
  amountMicros: usd(20),
  monthlyMaxMicros: usd(100),
};
const THRESHOLD_MAX = usd(50_000);
const MONTHLY_MAX_MAX = usd(1_000_000);

export interface AutoTopUpView extends AutoTopUpSettings {
  toppedUpThisMonthMicros: Micros;
}

export async function getAutoTopUp(accountId: string, now = new Date()): Promise<AutoTopUpView> {
  const [row, cards, topped] = await Promise.all([
    db().autoTopUp.findUnique({
      where: { accountId },
      select: { enabled: true, thresholdMicros: true, amountMicros: true, monthlyMaxMicros: true },
    }),
    db().paymentMethod.count({ where: { accountId, detachedAt: null } }),
    autoToppedUpThisMonth(db(), accountId, now),
  ]);
  const settings = row ?? AUTO_TOP_UP_DEFAULTS;
  // Without a card it cannot buy anything: never shown as on.
  return { ...settings, enabled: settings.enabled && cards > 0, toppedUpThisMonthMicros: topped };
}

/** The auto top-up ledger key prefix of an account's month ("auto-top-up:<account>:<YYYY-MM>:"). */
export const autoTopUpPrefix = (accountId: string, at: Date) => `auto-top-up:${accountId}:${periodLabel(monthStart(at))}:`;

/** Credits bought by auto top-up this month (granted ones only: failed charges cost nothing). */
export async function autoToppedUpThisMonth(
  client: Pick<ReturnType<typeof db>, "ledgerEntry">,
  accountId: string,
  now: Date,
): Promise<Micros> {
  const sum = await client.ledgerEntry.aggregate({
    where: { accountId, kind: "credit_purchase", idempotencyKey: { startsWith: `credits:${autoTopUpPrefix(accountId, now)}` } },
    _sum: { amountMicros: true },
  });
  return sum._sum.amountMicros ?? 0n;
}

export type SetAutoTopUpResult =
  | { ok: true; settings: AutoTopUpSettings }
  | {
      ok: false;
      reason: "invalid_amount" | "no_account" | "no_payment_method";
      field: "thresholdUsd" | "amountUsd" | "monthlyMaxUsd" | null;
      message: string;
    };

export const NO_CARD_FOR_AUTO_TOP_UP =
  "Add a card first: auto top-up buys credits with the saved card, and this account has none (add one on the billing page, or POST /api/v1/payment-methods/setup).";

export async function setAutoTopUp(accountId: string, input: AutoTopUpSettings, actorId: string | null): Promise<SetAutoTopUpResult> {
  if (typeof input.enabled !== "boolean")
    return { ok: false, reason: "invalid_amount", field: null, message: "enabled: must be true or false" };
  const checks = [
    [
      "amountUsd",
      checkAmount(input.amountMicros, { field: "amountUsd", step: "dollar", min: CREDIT_PURCHASE_MIN, max: CREDIT_PURCHASE_MAX }),
    ],
    ["thresholdUsd", checkAmount(input.thresholdMicros, { field: "thresholdUsd", step: "cent", min: 0n, max: THRESHOLD_MAX })],
    ["monthlyMaxUsd", checkAmount(input.monthlyMaxMicros, { field: "monthlyMaxUsd", step: "cent", max: MONTHLY_MAX_MAX })],
  ] as const;
  for (const [field, check] of checks) {
    if (!check.ok) return { ok: false, reason: check.reason, field, message: check.message };
  }
  if (input.monthlyMaxMicros < input.amountMicros) {
    return { ok: false, reason: "invalid_amount", field: "monthlyMaxUsd", message: "monthlyMaxUsd: must be at least amountUsd" };
  }
  const settings: AutoTopUpSettings = {
    enabled: input.enabled,
    thresholdMicros: input.thresholdMicros,
    amountMicros: input.amountMicros,
    monthlyMaxMicros: input.monthlyMaxMicros,
  };
  return db().$transaction(async (tx) => {
    if (!(await lockAccount(tx, accountId)))
      return { ok: false as const, reason: "no_account" as const, field: null, message: "account not found" };
    if (settings.enabled && (await tx.paymentMethod.count({ where: { accountId, detachedAt: null } })) === 0) {
      return { ok: false as const, reason: "no_payment_method" as const, field: null, message: NO_CARD_FOR_AUTO_TOP_UP };
    }
    await tx.autoTopUp.upsert({ where: { accountId }, create: { accountId, ...settings }, update: settings });
    await tx.auditLog.create({
      data: {
        accountId,
        actorId,
        action: "auto_top_up.set",
        detail: {
          enabled: settings.enabled,
          thresholdMicros: settings.thresholdMicros.toString(),
          amountMicros: settings.amountMicros.toString(),
          monthlyMaxMicros: settings.monthlyMaxMicros.toString(),
        },
      },
    });
    return { ok: true as const, settings };
  });
}

const DISABLED_BECAUSE = {
  card_removed:
    "Your last saved card was removed, so auto top-up could no longer buy credits. Add a card, then turn auto top-up on again on the billing page.",
  saved_without_card:
    "Auto top-up was saved as on while this account had no card, so it could never buy credits and has never run. It is now off (your amounts are kept). Add a card on the billing page, then turn auto top-up on again.",
} as const;

/**
 * Auto top-up is on but the account has no card — its last card is gone (`card_removed`: call in the
 * transaction that removed it), or the settings were saved before a card was required
 * (`saved_without_card`) — so it can never run: it is turned off (the amounts kept) and the owner is
 * told. Call with the account locked. Returns whether it was on.
 */
export async function disableAutoTopUp(
  tx: Tx,
  accountId: string,
  at: Date,
  cause: keyof typeof DISABLED_BECAUSE = "card_removed",
): Promise<boolean> {
  const turnedOff = await tx.autoTopUp.updateMany({ where: { accountId, enabled: true }, data: { enabled: false } });
  if (turnedOff.count === 0) return false;
  await tx.auditLog.create({ data: { accountId, action: "auto_top_up.disabled", detail: { reason: "no_payment_method", cause } } });
  await notify(tx, {
    accountId,
    kind: "auto_top_up",
    title: "Auto top-up turned off: no card on file",
    body: DISABLED_BECAUSE[cause],
    dedupeKey: `auto-top-up-disabled:${accountId}:${at.toISOString()}`,
  });
  return true;
}

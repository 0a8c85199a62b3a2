// Run one account's auto top-up (SPEC §4) with injected payments — the payments side supplies the
// Stripe ones (an off-session PaymentIntent on the saved card, using our key as Stripe's
// idempotency key, and its look-up). Credits are granted only when the charge succeeded, exactly
// once per key.
//
// Each trigger is one attempt, recorded as a JobRun (auto-top-up-attempts.ts) BEFORE charging: the
// unique key means two instances seeing the same low balance charge once. An attempt whose
// instance died mid-charge, or whose charge got no answer, is retried after 10 minutes with the
// SAME key and amount (Stripe and the ledger both dedupe on the key) — at most 6 times and within
// a day of its first try (and within its month), else it is closed as unconfirmed and the owner
// told — unless its credits were granted meanwhile. An attempt closed unconfirmed may still have
// charged the card: it is looked up at the payment service by its key before anything else is
// decided for the account (verify-unconfirmed-top-up.ts), so an outage never makes the owner pay
// twice. A declined charge backs off for an hour, and after 3 failures in a month auto top-up
// waits until the owner changes the settings.
import { db } from "../db";
import { notify } from "../alerts/notify";
import { errorSummary, log } from "../log";
import { usdString, type Micros } from "../money";
import {
  ATTEMPT_JOB,
  STALE_AFTER_MS,
  UNCONFIRMED_MESSAGE,
  attemptInfo,
  attemptSelect,
  grantAttempt,
  attemptPurchaseKey,
  settleIfGranted,
  type Attempt,
  type AutoTopUpRun,
  type ChargeResult,
  type TopUpPayments,
} from "./auto-top-up-attempts";
import { autoTopUpDue } from "./auto-top-up-due";
import { autoToppedUpThisMonth, disableAutoTopUp } from "./auto-top-up-settings";
import { lockAccount, type Tx } from "./lock-account";
import { monthStart, periodLabel } from "./period";
import { verifyUnconfirmedTopUp } from "./verify-unconfirmed-top-up";

export type { AutoTopUpRun, ChargeFn, ChargeResult, FindChargeFn, FoundCharge, TopUpPayments } from "./auto-top-up-attempts";

const BACKOFF_MS = 60 * 60_000;
const MAX_FAILURES_PER_MONTH = 3;
/** An unanswered attempt is retried under its key at most this often (~an hour at STALE_AFTER_MS)… */
const MAX_RETAKES = 6;
/** …and never once the payment service may have forgotten the key (it keeps keys for 24 hours). */
const KEY_REMEMBERED_MS = 23 * 60 * 60_000;

type Claim = { run: AutoTopUpRun } | { verify: Attempt } | { key: string; jobRunId: string; amountMicros: Micros };

export async function runAutoTopUp(accountId: string, payments: TopUpPayments, now = new Date()): Promise<AutoTopUpRun> {
  const claim = await claimAttempt(accountId, now);
  if ("run" in claim) return claim.run;
  if ("verify" in claim) {
    const verified = await verifyUnconfirmedTopUp(accountId, claim.verify, payments.findCharge, now);
    if ("settled" in verified) return verified.settled;
    // Not charged: that attempt is settled for good (so this ends); decide again without it.
    return runAutoTopUp(accountId, payments, now);
  }
  const idempotencyKey = attemptPurchaseKey(claim.key);
  let result: ChargeResult;
  try {
    result = await payments.charge(accountId, claim.amountMicros, idempotencyKey);
  } catch (err) {
    // No answer (the payment service or the database unreachable): the card may have been charged.
    // Not a failure to tell the owner about — the attempt stays open, and once stale it is retried
    // with the same key, which the payment service and the grant both dedupe on.
    log.error("auto top-up charge got no answer; the attempt is retried with its key", {
      accountId,
      key: idempotencyKey,
      error: errorSummary(err),
    });
    return { outcome: "charge_unknown", idempotencyKey };
  }
  if (!result.ok) {
    await db().$transaction(async (tx) => {
      await tx.jobRun.update({
        where: { id: claim.jobRunId },
        data: { status: "failed", finishedAt: now, result: { message: result.message } },
      });
      await notify(tx, {
        accountId,
        kind: "auto_top_up_failed",
        title: "Auto top-up failed",
        body: `We could not charge $${usdString(claim.amountMicros)} to your saved payment method: ${result.message}`,
        dedupeKey: `${ATTEMPT_JOB}:${claim.key}:failed`,
      });
    });
    log.warn("auto top-up charge failed", { accountId, key: idempotencyKey, message: result.message });
    return { outcome: "charge_failed", idempotencyKey, message: result.message };
  }
  await grantAttempt(
    accountId,
    { id: claim.jobRunId, key: claim.key },
    claim.amountMicros,
    result.reference,
    { amountMicros: claim.amountMicros.toString(), reference: result.reference ?? null },
    now,
  );
  return { outcome: "topped_up", idempotencyKey, amountMicros: claim.amountMicros };
}

async function claimAttempt(accountId: string, now: Date): Promise<Claim> {
  return db().$transaction(async (tx): Promise<Claim> => {
    if (!(await lockAccount(tx, accountId))) return { run: { outcome: "not_due", reason: "no_account" } };
    const prefix = `${accountId}:${periodLabel(monthStart(now))}:`;
    const [attempts, earlier] = await Promise.all([
      tx.jobRun.findMany({
        where: { job: ATTEMPT_JOB, key: { startsWith: prefix } },
        orderBy: { startedAt: "desc" },
        select: attemptSelect,
      }),
      // Earlier months' attempts that may still hide a charge (open, or closed without an answer).
      tx.jobRun.findMany({
        where: {
          job: ATTEMPT_JOB,
          key: { startsWith: `${accountId}:` },
          NOT: { key: { startsWith: prefix } },
          status: { in: ["running", "failed"] },
        },
        select: attemptSelect,
      }),
    ]);
    const latest = attempts[0];

    // 1. Settle open attempts, whether or not a top-up is due now. An earlier month's is not retried
    //    into this month: once stale it is closed unconfirmed (and looked up below).
    for (const a of earlier) {
      if (a.status !== "running" || (await settleIfGranted(tx, accountId, a, now))) continue;
      if (now.getTime() - a.startedAt.getTime() < STALE_AFTER_MS) return { run: { outcome: "in_progress" } };
      await closeUnconfirmed(tx, accountId, a);
    }
    if (latest?.status === "running") await closeIfSettled(tx, accountId, latest, now);

    // 2. A charge closed unconfirmed may have gone through: find out before anything else.
    for (const a of [...attempts, ...earlier]) {
      const info = attemptInfo(a);
      if (!info.unconfirmed || (await settleIfGranted(tx, accountId, a, now))) continue;
      if (info.lookupFailedAt && now.getTime() - info.lookupFailedAt.getTime() < STALE_AFTER_MS) return { run: { outcome: "backing_off" } };
      return { verify: a };
    }

    // 3. Is a top-up due, and may it be tried now?
    const [account, settings, methods] = await Promise.all([
      tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { creditBalanceMicros: true } }),
      tx.autoTopUp.findUnique({ where: { accountId } }),
      tx.paymentMethod.count({ where: { accountId, detachedAt: null } }),
    ]);
    if (!settings) return { run: { outcome: "not_due", reason: "disabled" } };
    // On without a card (saved before a card was required): it can never run — turned off, the owner told.
    if (methods === 0) {
      await disableAutoTopUp(tx, accountId, now, "saved_without_card");
      return { run: { outcome: "not_due", reason: settings.enabled ? "no_payment_method" : "disabled" } };
    }
    const topped = await autoToppedUpThisMonth(tx, accountId, now);
    const decision = autoTopUpDue(settings, account.creditBalanceMicros, topped);
    if (!decision.due) return { run: { outcome: "not_due", reason: decision.reason } };

    if (latest?.status === "running") {
      if (now.getTime() - latest.startedAt.getTime() < STALE_AFTER_MS) return { run: { outcome: "in_progress" } };
      // Its instance died mid-charge, or the charge got no answer: retry the same key and amount
      // (the payment service and the grant dedupe on the key; a different amount under it is refused).
      const info = attemptInfo(latest);
      const taken = await tx.jobRun.updateMany({
        where: { id: latest.id, status: "running", startedAt: latest.startedAt },
        data: { startedAt: now, result: { ...info.stored, retakes: info.retakes + 1 } },
      });
      if (taken.count === 0) return { run: { outcome: "in_progress" } };
      return { key: latest.key, jobRunId: latest.id, amountMicros: info.amountMicros ?? decision.amountMicros };
    }
    const failures = attempts.filter((a) => a.status === "failed" && a.startedAt > settings.updatedAt);
    if (failures.length >= MAX_FAILURES_PER_MONTH) return { run: { outcome: "not_due", reason: "too_many_failures" } };
    if (latest?.status === "failed" && latest.finishedAt && now.getTime() - latest.finishedAt.getTime() < BACKOFF_MS) {
      return { run: { outcome: "backing_off" } };
    }
    const key = `${prefix}${attempts.length + 1}`;
    const created = await tx.jobRun.createManyAndReturn({
      data: [
        {
          job: ATTEMPT_JOB,
          key,
          startedAt: now,
          result: { amountMicros: decision.amountMicros.toString(), firstTriedAt: now.toISOString() },
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    const row = created[0];
    if (!row) return { run: { outcome: "in_progress" } };
    return { key, jobRunId: row.id, amountMicros: decision.amountMicros };
  });
}

/**
 * Close an open attempt that is settled: its credits were granted meanwhile, or it went unanswered
 * too often or too long to retry under its key — the payment service forgets a key after a day, and
 * a retry then would be a new charge whose grant is deduped.
 */
async function closeIfSettled(tx: Tx, accountId: string, a: Attempt, now: Date): Promise<void> {
  if (await settleIfGranted(tx, accountId, a, now)) return;
  const info = attemptInfo(a);
  const stale = now.getTime() - a.startedAt.getTime() >= STALE_AFTER_MS;
  if (!stale || (info.retakes < MAX_RETAKES && now.getTime() - info.firstTriedAt.getTime() < KEY_REMEMBERED_MS)) return;
  await closeUnconfirmed(tx, accountId, a);
}

/** No more retries under its key: closed as unconfirmed (to be looked up), and the owner told. */
async function closeUnconfirmed(tx: Tx, accountId: string, a: Attempt): Promise<void> {
  const info = attemptInfo(a);
  const result = { ...info.stored, message: UNCONFIRMED_MESSAGE, unconfirmed: true };
  // Finished when it was last tried: the hour's back-off counts from then.
  await tx.jobRun.update({ where: { id: a.id }, data: { status: "failed", finishedAt: a.startedAt, result } });
  await notify(tx, {
    accountId,
    kind: "auto_top_up_failed",
    title: "Auto top-up not confirmed",
    body: `We could not confirm a charge${info.amountMicros === null ? "" : ` of $${usdString(info.amountMicros)}`} to your saved payment method: ${UNCONFIRMED_MESSAGE}.`,
    dedupeKey: `${ATTEMPT_JOB}:${a.key}:failed`,
  });
  log.error("auto top-up attempt closed unconfirmed", { accountId, key: a.key, retakes: info.retakes });
  Object.assign(a, { status: "failed", finishedAt: a.startedAt, result });
}

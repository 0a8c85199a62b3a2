// Run one account's auto top-up (SPEC §4) with an injected `charge` — the payments side supplies
// the Stripe one (an off-session PaymentIntent on the saved card, using our key as Stripe's
// idempotency key). Credits are granted only when the charge succeeded, exactly once per key.
//
// Each trigger is one attempt, recorded as a JobRun ("auto-top-up-attempt", "<account>:<YYYY-MM>:<n>")
// BEFORE charging: the unique key means two instances seeing the same low balance charge once.
// An attempt whose instance died mid-charge, or whose charge got no answer, is retried after 10
// minutes with the SAME key (Stripe and the ledger both dedupe on it) unless its credits were granted
// meanwhile; a declined charge backs off for an hour, and after 3 failures in a month auto top-up
// waits until the owner changes the settings.
import { db } from "../db";
import { notify } from "../alerts/notify";
import { errorSummary, log } from "../log";
import { usdString, type Micros } from "../money";
import { autoTopUpDue, type AutoTopUpDecision } from "./auto-top-up-due";
import { autoToppedUpThisMonth } from "./auto-top-up-settings";
import { grantCredits } from "./grant-credits";
import { lockAccount } from "./lock-account";
import { monthStart, periodLabel } from "./period";

export type ChargeResult = { ok: true; reference?: string } | { ok: false; message: string };
/** Charge the account's saved payment method; must be idempotent on `idempotencyKey`. */
export type ChargeFn = (accountId: string, amountMicros: Micros, idempotencyKey: string) => Promise<ChargeResult>;

export type AutoTopUpRun =
  | {
      outcome: "not_due";
      reason: Extract<AutoTopUpDecision, { due: false }>["reason"] | "no_payment_method" | "too_many_failures" | "no_account";
    }
  | { outcome: "in_progress" | "backing_off" }
  | { outcome: "topped_up"; idempotencyKey: string; amountMicros: Micros }
  | { outcome: "charge_failed"; idempotencyKey: string; message: string }
  | { outcome: "charge_unknown"; idempotencyKey: string };

const JOB = "auto-top-up-attempt";
const STALE_AFTER_MS = 10 * 60_000;
const BACKOFF_MS = 60 * 60_000;
const MAX_FAILURES_PER_MONTH = 3;

type Claim = { run: AutoTopUpRun } | { key: string; jobRunId: string; amountMicros: Micros };

export async function runAutoTopUp(accountId: string, charge: ChargeFn, now = new Date()): Promise<AutoTopUpRun> {
  const claim = await claimAttempt(accountId, now);
  if ("run" in claim) return claim.run;
  const idempotencyKey = `auto-top-up:${claim.key}`;
  let result: ChargeResult;
  try {
    result = await charge(accountId, claim.amountMicros, idempotencyKey);
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
        dedupeKey: `${JOB}:${claim.key}:failed`,
      });
    });
    log.warn("auto top-up charge failed", { accountId, key: idempotencyKey, message: result.message });
    return { outcome: "charge_failed", idempotencyKey, message: result.message };
  }
  const granted = await grantCredits({
    accountId,
    amountMicros: claim.amountMicros,
    idempotencyKey,
    kind: "credit_purchase",
    description: `Auto top-up ($${usdString(claim.amountMicros)})`,
    at: now,
  });
  if (!granted.ok) throw new Error(`auto top-up grant refused: ${granted.message}`);
  await db().$transaction(async (tx) => {
    await tx.jobRun.update({
      where: { id: claim.jobRunId },
      data: {
        status: "succeeded",
        finishedAt: now,
        result: { amountMicros: claim.amountMicros.toString(), reference: result.reference ?? null },
      },
    });
    await notify(tx, {
      accountId,
      kind: "auto_top_up",
      title: `Auto top-up: $${usdString(claim.amountMicros)} of credits added`,
      body: "Your credit balance fell below your auto top-up threshold.",
      dedupeKey: `${JOB}:${claim.key}:succeeded`,
    });
  });
  return { outcome: "topped_up", idempotencyKey, amountMicros: claim.amountMicros };
}

async function claimAttempt(accountId: string, now: Date): Promise<Claim> {
  return db().$transaction(async (tx): Promise<Claim> => {
    if (!(await lockAccount(tx, accountId))) return { run: { outcome: "not_due", reason: "no_account" } };
    const [account, settings, methods] = await Promise.all([
      tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { creditBalanceMicros: true } }),
      tx.autoTopUp.findUnique({ where: { accountId } }),
      tx.paymentMethod.count({ where: { accountId, detachedAt: null } }),
    ]);
    if (!settings) return { run: { outcome: "not_due", reason: "disabled" } };
    const topped = await autoToppedUpThisMonth(tx, accountId, now);
    const decision = autoTopUpDue(settings, account.creditBalanceMicros, topped);
    if (!decision.due) return { run: { outcome: "not_due", reason: decision.reason } };
    if (methods === 0) return { run: { outcome: "not_due", reason: "no_payment_method" } };

    const prefix = `${accountId}:${periodLabel(monthStart(now))}:`;
    const attempts = await tx.jobRun.findMany({
      where: { job: JOB, key: { startsWith: prefix } },
      orderBy: { startedAt: "desc" },
      select: { id: true, key: true, status: true, startedAt: true, finishedAt: true },
    });
    const latest = attempts[0];
    // An open attempt whose credits were granted anyway (payment_intent.succeeded, same key) is done:
    // close it, so a later fall below the threshold charges under a new key — not this one again,
    // which the payment service forgets after a day and would charge afresh with its grant deduped.
    if (
      latest?.status === "running" &&
      (await tx.ledgerEntry.count({ where: { idempotencyKey: `credits:auto-top-up:${latest.key}` } })) > 0
    ) {
      await tx.jobRun.update({
        where: { id: latest.id },
        data: { status: "succeeded", finishedAt: now, result: { note: "credits granted by the payment's webhook" } },
      });
      latest.status = "succeeded";
    }
    if (latest?.status === "running") {
      if (now.getTime() - latest.startedAt.getTime() < STALE_AFTER_MS) return { run: { outcome: "in_progress" } };
      // The instance charging it died: retry the same key (the charge and the grant dedupe on it).
      const taken = await tx.jobRun.updateMany({
        where: { id: latest.id, status: "running", startedAt: latest.startedAt },
        data: { startedAt: now },
      });
      if (taken.count === 0) return { run: { outcome: "in_progress" } };
      return { key: latest.key, jobRunId: latest.id, amountMicros: decision.amountMicros };
    }
    const failures = attempts.filter((a) => a.status === "failed" && a.startedAt > settings.updatedAt);
    if (failures.length >= MAX_FAILURES_PER_MONTH) return { run: { outcome: "not_due", reason: "too_many_failures" } };
    if (latest?.status === "failed" && latest.finishedAt && now.getTime() - latest.finishedAt.getTime() < BACKOFF_MS) {
      return { run: { outcome: "backing_off" } };
    }
    const key = `${prefix}${attempts.length + 1}`;
    const created = await tx.jobRun.createManyAndReturn({
      data: [{ job: JOB, key, startedAt: now }],
      skipDuplicates: true,
      select: { id: true },
    });
    const row = created[0];
    if (!row) return { run: { outcome: "in_progress" } };
    return { key, jobRunId: row.id, amountMicros: decision.amountMicros };
  });
}

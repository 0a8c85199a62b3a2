// Run one account's auto top-up (SPEC §4) with an injected `charge` — the payments side supplies
// the Stripe one (an off-session PaymentIntent on the saved card, using our key as Stripe's
// idempotency key). Credits are granted only when the charge succeeded, exactly once per key.
//
// Each trigger is one attempt, recorded as a JobRun ("auto-top-up-attempt", "<account>:<YYYY-MM>:<n>")
// BEFORE charging: the unique key means two instances seeing the same low balance charge once.
// An attempt whose instance died mid-charge, or whose charge got no answer, is retried after 10
// minutes with the SAME key and amount (Stripe and the ledger both dedupe on the key) — at most 6
// times and within a day of its first try, else it is closed as unconfirmed and the owner told —
// unless its credits were granted meanwhile. An attempt closed unconfirmed may still have charged
// the card: before any new attempt, its charge is looked up at the payment service by its key, and
// granted if it went through, so an outage never makes the owner pay twice. A declined charge backs
// off for an hour, and after 3 failures in a month auto top-up waits until the owner changes the settings.
import { db } from "../db";
import { notify } from "../alerts/notify";
import { errorSummary, log } from "../log";
import { usdString, type Micros } from "../money";
import { autoTopUpDue, type AutoTopUpDecision } from "./auto-top-up-due";
import { autoToppedUpThisMonth } from "./auto-top-up-settings";
import { creditLedgerKey, grantCredits } from "./grant-credits";
import { lockAccount, type Tx } from "./lock-account";
import { monthStart, periodLabel } from "./period";

export type ChargeResult = { ok: true; reference?: string } | { ok: false; message: string };
/** Charge the account's saved payment method; must be idempotent on `idempotencyKey`. */
export type ChargeFn = (accountId: string, amountMicros: Micros, idempotencyKey: string) => Promise<ChargeResult>;
/** What the payment service holds of a charge made under a key. */
export type FoundCharge =
  { status: "succeeded"; amountMicros: Micros; reference: string } | { status: "pending" } | { status: "not_charged" };
/** Look up the charge made under `idempotencyKey` (tried first at `since`) at the payment service; reads only. */
export type FindChargeFn = (accountId: string, idempotencyKey: string, since: Date) => Promise<FoundCharge>;
/** The payment side of auto top-up: the charge, and the look-up of an unconfirmed one. */
export interface TopUpPayments {
  charge: ChargeFn;
  findCharge: FindChargeFn;
}

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
/** An unanswered attempt is retried under its key at most this often (~an hour at STALE_AFTER_MS)… */
const MAX_RETAKES = 6;
/** …and never once the payment service may have forgotten the key (it keeps keys for 24 hours). */
const KEY_REMEMBERED_MS = 23 * 60 * 60_000;

type Claim = { run: AutoTopUpRun } | { verify: Attempt } | { key: string; jobRunId: string; amountMicros: Micros };

export async function runAutoTopUp(accountId: string, payments: TopUpPayments, now = new Date()): Promise<AutoTopUpRun> {
  const claim = await claimAttempt(accountId, now);
  if ("run" in claim) return claim.run;
  if ("verify" in claim) {
    const verified = await verifyUnconfirmed(accountId, claim.verify, payments.findCharge, now);
    // Not charged: the way is clear for a new attempt (each look-up settles one attempt for good).
    return verified ?? runAutoTopUp(accountId, payments, now);
  }
  const idempotencyKey = `auto-top-up:${claim.key}`;
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
    await notifyToppedUp(tx, accountId, claim.key, claim.amountMicros);
  });
  return { outcome: "topped_up", idempotencyKey, amountMicros: claim.amountMicros };
}

async function claimAttempt(accountId: string, now: Date): Promise<Claim> {
  return db().$transaction(async (tx): Promise<Claim> => {
    if (!(await lockAccount(tx, accountId))) return { run: { outcome: "not_due", reason: "no_account" } };
    const prefix = `${accountId}:${periodLabel(monthStart(now))}:`;
    const attempts = await tx.jobRun.findMany({
      where: { job: JOB, key: { startsWith: prefix } },
      orderBy: { startedAt: "desc" },
      select: { id: true, key: true, status: true, startedAt: true, finishedAt: true, result: true },
    });
    const latest = attempts[0];
    // Settle an open attempt first, whether or not a top-up is due now.
    if (latest?.status === "running") await closeIfSettled(tx, accountId, latest, now);
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
    // An attempt closed unconfirmed may have charged the card: look it up before charging again.
    for (const a of attempts) {
      if (a.status !== "failed" || !attemptInfo(a).unconfirmed) continue;
      if (!(await settleIfGranted(tx, accountId, a, now))) return { verify: a };
    }
    const key = `${prefix}${attempts.length + 1}`;
    const created = await tx.jobRun.createManyAndReturn({
      data: [
        { job: JOB, key, startedAt: now, result: { amountMicros: decision.amountMicros.toString(), firstTriedAt: now.toISOString() } },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    const row = created[0];
    if (!row) return { run: { outcome: "in_progress" } };
    return { key, jobRunId: row.id, amountMicros: decision.amountMicros };
  });
}

/** "Credits added", once per attempt (whichever of the charge's answer and its webhook comes first). */
function notifyToppedUp(tx: Tx, accountId: string, key: string, amountMicros: Micros) {
  return notify(tx, {
    accountId,
    kind: "auto_top_up",
    title: `Auto top-up: $${usdString(amountMicros)} of credits added`,
    body: "Your credit balance fell below your auto top-up threshold.",
    dedupeKey: `${JOB}:${key}:succeeded`,
  });
}
type Attempt = { id: string; key: string; status: string; startedAt: Date; finishedAt: Date | null; result: unknown };

/** What an attempt row remembers: its amount, its first try, and how often it was retried. */
function attemptInfo(a: Attempt) {
  const stored = a.result && typeof a.result === "object" && !Array.isArray(a.result) ? (a.result as Record<string, unknown>) : {};
  const amount = typeof stored.amountMicros === "string" && /^\d+$/.test(stored.amountMicros) ? BigInt(stored.amountMicros) : null;
  const first = typeof stored.firstTriedAt === "string" ? new Date(stored.firstTriedAt) : a.startedAt;
  return {
    stored,
    amountMicros: amount,
    firstTriedAt: Number.isNaN(first.getTime()) ? a.startedAt : first,
    retakes: typeof stored.retakes === "number" ? stored.retakes : 0,
    /** Closed without knowing whether the card was charged, and not looked up since. */
    unconfirmed: stored.unconfirmed === true,
  };
}

/**
 * An attempt (open, or closed unconfirmed) whose credits were granted meanwhile — payment_intent.succeeded
 * under its key — is closed as succeeded, with the owner's "credits added". True when it was.
 */
async function settleIfGranted(tx: Tx, accountId: string, a: Attempt, now: Date): Promise<boolean> {
  const granted = await tx.ledgerEntry.findUnique({
    where: { idempotencyKey: creditLedgerKey(`auto-top-up:${a.key}`) },
    select: { amountMicros: true },
  });
  if (!granted) return false;
  await tx.jobRun.update({
    where: { id: a.id },
    data: {
      status: "succeeded",
      finishedAt: now,
      result: { ...attemptInfo(a).stored, unconfirmed: false, note: "credits granted when the payment service reported the charge" },
    },
  });
  await notifyToppedUp(tx, accountId, a.key, granted.amountMicros);
  a.status = "succeeded";
  return true;
}

/**
 * Ask the payment service what became of an attempt closed unconfirmed. Charged: its credits are
 * granted under its key (the webhook's grant dedupes on the same key) and it is closed as succeeded.
 * Still being processed, or no answer: no new charge yet. Not charged: marked so, and null returned.
 */
async function verifyUnconfirmed(accountId: string, a: Attempt, findCharge: FindChargeFn, now: Date): Promise<AutoTopUpRun | null> {
  const idempotencyKey = `auto-top-up:${a.key}`;
  const info = attemptInfo(a);
  let found: FoundCharge;
  try {
    found = await findCharge(accountId, idempotencyKey, info.firstTriedAt);
  } catch (err) {
    log.warn("auto top-up: an unconfirmed charge could not be looked up; no new charge until it is", {
      accountId,
      key: idempotencyKey,
      error: errorSummary(err),
    });
    return { outcome: "backing_off" };
  }
  if (found.status === "pending") return { outcome: "in_progress" };
  if (found.status === "not_charged") {
    await db().jobRun.updateMany({
      where: { id: a.id, status: "failed" },
      data: { result: { ...info.stored, unconfirmed: false, lookedUp: "not charged" } },
    });
    return null;
  }
  const granted = await grantCredits({
    accountId,
    amountMicros: found.amountMicros,
    idempotencyKey,
    kind: "credit_purchase",
    description: `Auto top-up ($${usdString(found.amountMicros)})`,
    at: now,
  });
  if (!granted.ok) throw new Error(`auto top-up grant refused: ${granted.message}`);
  await db().$transaction(async (tx) => {
    await tx.jobRun.update({
      where: { id: a.id },
      data: { status: "succeeded", result: { ...info.stored, unconfirmed: false, lookedUp: "charged", reference: found.reference } },
    });
    await notifyToppedUp(tx, accountId, a.key, found.amountMicros);
  });
  log.warn("auto top-up: a charge closed unconfirmed had gone through; its credits are granted", { accountId, key: idempotencyKey });
  return { outcome: "topped_up", idempotencyKey, amountMicros: found.amountMicros };
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
  const message = "the payment service did not confirm the charge; if it went through, the credits are added when it reports it";
  // Finished when it was last tried: the hour's back-off counts from then.
  await tx.jobRun.update({
    where: { id: a.id },
    data: { status: "failed", finishedAt: a.startedAt, result: { ...info.stored, message, unconfirmed: true } },
  });
  await notify(tx, {
    accountId,
    kind: "auto_top_up_failed",
    title: "Auto top-up not confirmed",
    body: `We could not confirm a charge${info.amountMicros === null ? "" : ` of $${usdString(info.amountMicros)}`} to your saved payment method: ${message}.`,
    dedupeKey: `${JOB}:${a.key}:failed`,
  });
  log.error("auto top-up attempt closed unconfirmed", { accountId, key: a.key, retakes: info.retakes });
  a.status = "failed";
  a.finishedAt = a.startedAt;
}

// The look-up of an auto top-up attempt closed unconfirmed (SPEC §4): its charge got no answer for
// an hour or a day, so the card may have been charged. Before any new attempt, the payment service
// is asked what became of the charge under the attempt's key. Charged: the credits are granted under
// that key (the webhook's grant, if it ever comes, dedupes on it) and the attempt closes as succeeded.
// Still processing, or no answer: no new charge yet. Not charged: marked so, and a new attempt may go.
import { db } from "../db";
import { errorSummary, log } from "../log";
import {
  attemptInfo,
  grantAttempt,
  attemptPurchaseKey,
  type Attempt,
  type AutoTopUpRun,
  type FindChargeFn,
  type FoundCharge,
} from "./auto-top-up-attempts";

export type Verified = { settled: AutoTopUpRun } | { notCharged: true };

export async function verifyUnconfirmedTopUp(accountId: string, a: Attempt, findCharge: FindChargeFn, now: Date): Promise<Verified> {
  const idempotencyKey = attemptPurchaseKey(a.key);
  const info = attemptInfo(a);
  let found: FoundCharge;
  try {
    found = await findCharge(accountId, idempotencyKey, info.firstTriedAt);
  } catch (err) {
    // Auto top-up stays blocked for this account until the look-up answers: an operator should know.
    log.error("auto top-up: an unconfirmed charge could not be looked up; no new charge until it is", {
      accountId,
      key: idempotencyKey,
      error: errorSummary(err),
    });
    await db().jobRun.updateMany({
      where: { id: a.id, status: "failed" },
      data: { result: { ...info.stored, lookupFailedAt: now.toISOString() } },
    });
    return { settled: { outcome: "backing_off" } };
  }
  if (found.status === "pending") return { settled: { outcome: "in_progress" } };
  if (found.status === "not_charged") {
    await db().jobRun.updateMany({
      where: { id: a.id, status: "failed" },
      data: { result: { ...info.stored, unconfirmed: false, lookedUp: "not charged" } },
    });
    return { notCharged: true };
  }
  await grantAttempt(
    accountId,
    a,
    found.amountMicros,
    found.reference,
    { ...info.stored, unconfirmed: false, lookedUp: "charged", reference: found.reference },
    now,
  );
  log.warn("auto top-up: a charge closed unconfirmed had gone through; its credits are granted", { accountId, key: idempotencyKey });
  return { settled: { outcome: "topped_up", idempotencyKey, amountMicros: found.amountMicros } };
}

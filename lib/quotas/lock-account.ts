// Every quota check and the write it guards run in one transaction that first takes a row lock on
// the account. Concurrent creates for one account therefore queue on that lock (PostgreSQL) or on
// PGlite's single connection, and each sees the usage the previous one committed: no overshoot.
import type { Prisma } from "../db/generated/client";
import type { SuspensionReasonCode } from "../db/generated/enums";
import { lockAccount } from "../billing/lock-account";
import { rollSpendPeriod } from "../billing/roll-spend-period";
import { SUSPENSION_FIX, syncSuspension } from "../billing/suspension";
import { db } from "../db";
import type { Refusal } from "./outcome";

type Tx = Prisma.TransactionClient;

/** Room for many queued writers on one account (the lock serialises them). */
const TX_OPTIONS = { timeout: 30_000, maxWait: 30_000 } as const;

export function resourceTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction(fn, TX_OPTIONS);
}

// Most pressing first: what the owner must fix before anything else helps.
const ORDER: SuspensionReasonCode[] = ["manual", "payment_failed", "no_payment_method", "spend_limit_reached"];

/**
 * Lock the account and refuse if it is suspended (SPEC §5: a suspended account cannot create or
 * start anything). A month that has turned since the account was last touched is rolled first,
 * so a `spend_limit_reached` left over from last month does not refuse.
 */
export async function lockActiveAccount(tx: Tx, accountId: string, now: Date): Promise<Refusal | null> {
  if (!(await lockAccount(tx, accountId))) return { ok: false, reason: "not_found", message: "Account not found." };
  const status = (await rollSpendPeriod(tx, accountId, now))
    ? (await syncSuspension(tx, accountId, now)).status
    : (await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { status: true } })).status;
  if (status === "active") return null;
  const active = await tx.suspensionReason.findMany({ where: { accountId, liftedAt: null }, select: { reason: true } });
  const reason = active.map((r) => r.reason).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[0] ?? "manual";
  return {
    ok: false,
    reason: "account_suspended",
    suspension: reason,
    message: `The account is suspended (${reason}); nothing can be created or started until it is active again. ${SUSPENSION_FIX[reason]}`,
  };
}

// Spend leases (SPEC §7 "spend enforcement without overshoot"): an instance takes a slice of an
// account's remaining budget — limit − monthly spend − other live leases — in one short
// transaction, then reserves each request's maximum cost against that slice in memory. Usage
// charges draw the lease down in the same transaction as the charge, so
//   monthly spend + live leases ≤ limit
// holds at every commit, whatever the number of instances. Leases lapse 60 s after their holder
// stops renewing them (a crashed instance frees its budget within a minute).
//
// Every statement that locks several leases locks them in id order (a materialized `ORDER BY "id"
// FOR UPDATE` first), as the meter's flush does: two statements taking the same leases in different
// orders deadlock, and PostgreSQL breaks that only after deadlock_timeout (1 s) by aborting one.
import { randomBytes } from "node:crypto";
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import type { Tier } from "../db/generated/enums";
import { spendCeiling } from "./spend-ceiling";
import { monthStart } from "./period";

export const LEASE_TTL_MS = 60_000;

export type LeaseGrant =
  | { granted: true; leaseId: string; amountMicros: bigint; expiresAt: number }
  | { granted: false; reason: "limit"; availableMicros: bigint; limitMicros: bigint | null; monthlySpendMicros: bigint }
  | { granted: false; reason: "no_account" };

/**
 * Lease up to `want` (at least `need`) of the account's remaining budget for `holder`.
 * Unlimited accounts (no limit) get `want` without touching other leases.
 */
export async function grantSpendLease(
  accountId: string,
  holder: string,
  need: bigint,
  want: bigint,
  now = new Date(),
): Promise<LeaseGrant> {
  return db().$transaction(async (tx) => {
    // A request waits for this grant: a row lock held elsewhere for seconds (a stalled transaction)
    // ends it with an error (503, retried by the client) instead of holding the request.
    await tx.$executeRaw`SET LOCAL lock_timeout = '4s'`;
    // The row lock serialises lease grants per account across instances.
    const rows = await tx.$queryRaw<
      {
        tier: string;
        spendLimitMicros: bigint | null;
        creditBalanceMicros: bigint;
        monthlySpendMicros: bigint;
        spendPeriod: Date;
        hasCard: boolean;
      }[]
    >`SELECT a."tier", a."spendLimitMicros", a."creditBalanceMicros", a."monthlySpendMicros", a."spendPeriod",
        EXISTS (SELECT 1 FROM "PaymentMethod" p WHERE p."accountId" = a."id" AND p."detachedAt" IS NULL) AS "hasCard"
      FROM "Account" a WHERE a."id" = ${accountId} FOR UPDATE OF a`;
    const account = rows[0];
    if (!account) return { granted: false as const, reason: "no_account" as const };
    const monthly = account.spendPeriod.getTime() < monthStart(now).getTime() ? 0n : account.monthlySpendMicros;
    // Without a card nothing can be invoiced: usage must stay within the credits, whatever the tier.
    const limit = spendCeiling({
      tier: account.tier as Tier,
      spendLimitMicros: account.spendLimitMicros,
      creditBalanceMicros: account.creditBalanceMicros,
      monthlySpendMicros: monthly,
      hasPaymentMethod: account.hasCard,
    });
    let amount = want;
    if (limit !== null) {
      const live = await tx.spendLease.aggregate({ where: { accountId, expiresAt: { gt: now } }, _sum: { amountMicros: true } });
      const available = limit - monthly - (live._sum.amountMicros ?? 0n);
      if (available < need) {
        return {
          granted: false as const,
          reason: "limit" as const,
          availableMicros: available > 0n ? available : 0n,
          limitMicros: limit,
          monthlySpendMicros: monthly,
        };
      }
      // Leave room for other instances: never more than a quarter of what is left (but at least `need`).
      const share = available / 4n > need ? available / 4n : need;
      amount = want < share ? want : share;
    }
    const leaseId = `sl_${randomBytes(10).toString("hex")}`;
    const expiresAt = new Date(now.getTime() + LEASE_TTL_MS);
    await tx.spendLease.create({ data: { id: leaseId, accountId, holder, amountMicros: amount, expiresAt } });
    return { granted: true as const, leaseId, amountMicros: amount, expiresAt: expiresAt.getTime() };
  });
}

/** Keep the holder's leases alive; returns the ids that still exist (others were revoked). */
export async function renewSpendLeases(leaseIds: string[], now = new Date()): Promise<Set<string>> {
  if (leaseIds.length === 0) return new Set();
  const rows = await db().$queryRaw<{ id: string }[]>`
    WITH locked AS MATERIALIZED (SELECT "id" FROM "SpendLease" WHERE "id" IN (${Prisma.join(leaseIds)}) ORDER BY "id" FOR UPDATE)
    UPDATE "SpendLease" l SET "expiresAt" = ${new Date(now.getTime() + LEASE_TTL_MS)}
    FROM locked WHERE l."id" = locked."id" RETURNING l."id"`;
  return new Set(rows.map((r) => r.id));
}

/** Give back the unused part of a lease that still has requests in flight. */
export async function shrinkSpendLease(leaseId: string, amount: bigint): Promise<void> {
  await db().$executeRaw`UPDATE "SpendLease" SET "amountMicros" = "amountMicros" - ${amount} WHERE "id" = ${leaseId}`;
}

type Executor = Pick<Prisma.TransactionClient, "$executeRaw">;

/** Deletes the leases `where` selects, locking them in id order first; returns how many. */
function deleteLeases(where: Prisma.Sql, client: Executor = db()): Promise<number> {
  return client.$executeRaw`
    WITH locked AS MATERIALIZED (SELECT "id" FROM "SpendLease" WHERE ${where} ORDER BY "id" FOR UPDATE)
    DELETE FROM "SpendLease" l USING locked WHERE l."id" = locked."id"`;
}

/** Give leases back (their unused budget returns to the account at once). */
export async function releaseSpendLeases(leaseIds: string[]): Promise<void> {
  if (leaseIds.length === 0) return;
  await deleteLeases(Prisma.sql`"id" IN (${Prisma.join(leaseIds)})`);
}

/**
 * A holder of leases in this process (the gateway's SpendGuard), told at once when an account's
 * leases are taken back — not on its next renewal, seconds later, while it kept reserving.
 */
export interface LocalLeaseHolder {
  /**
   * Stop reserving on the account's leases; returns each lease's budget no request in flight holds.
   * Called inside the caller's transaction, which may still roll back: the holder changes nothing in
   * the database here (its renewal releases retired leases once their requests have settled).
   */
  retire(accountId: string): Map<string, bigint>;
}

const HOLDERS = Symbol.for("headroom.localLeaseHolders");
const localHolders: Set<LocalLeaseHolder> = ((globalThis as Record<symbol, Set<LocalLeaseHolder>>)[HOLDERS] ??= new Set());

/** The gateway registers its guard (the console's routes and the gateway share the process). */
export function registerLocalLeaseHolder(holder: LocalLeaseHolder): () => void {
  localHolders.add(holder);
  return () => void localHolders.delete(holder);
}

/**
 * Take an account's leases back, in the caller's transaction (its budget shrank: a lower limit, a
 * card removed, credits refunded). This process's leases stop at once and keep only what requests in flight reserved —
 * those requests will be charged, and the account's next grant must still count them; other
 * instances' leases are deleted, and their holders stop on their next renewal (within 2 s).
 */
export async function revokeAccountLeases(accountId: string, client: Executor = db()): Promise<void> {
  const kept: { id: string; unused: string }[] = [];
  for (const holder of localHolders) for (const [id, unused] of holder.retire(accountId)) kept.push({ id, unused: unused.toString() });
  // One statement, the account's leases locked in id order first (see the header).
  await client.$executeRaw`
    WITH locked AS MATERIALIZED (SELECT "id" FROM "SpendLease" WHERE "accountId" = ${accountId} ORDER BY "id" FOR UPDATE),
    kept AS (SELECT k."id", k."unused"::bigint AS "unused" FROM jsonb_to_recordset(${JSON.stringify(kept)}::jsonb) AS k("id" text, "unused" text)),
    dropped AS (
      DELETE FROM "SpendLease" l USING locked WHERE l."id" = locked."id" AND l."id" NOT IN (SELECT "id" FROM kept) RETURNING 1
    )
    UPDATE "SpendLease" l SET "amountMicros" = GREATEST(0, l."amountMicros" - k."unused")
    FROM kept k, locked WHERE l."id" = k."id" AND locked."id" = l."id"`;
}

/** Housekeeping: lapsed leases are ignored by grants; this deletes them. */
export function deleteLapsedLeases(now = new Date()): Promise<number> {
  return deleteLeases(Prisma.sql`"expiresAt" < ${new Date(now.getTime() - LEASE_TTL_MS)}`);
}

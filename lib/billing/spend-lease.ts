// Spend leases (SPEC §7 "spend enforcement without overshoot"): an instance takes a slice of an
// account's remaining budget — limit − monthly spend − other live leases — in one statement,
// then reserves each request's maximum cost against that slice in memory. Usage
// charges draw the lease down in the same transaction as the charge, so
//   monthly spend + live leases ≤ limit
// holds at every commit, whatever the number of instances. Leases lapse 60 s after their holder
// stops renewing them (a crashed instance frees its budget within a minute).
//
// Leases live on the database's clock: a grant counts the leases live at statement_timestamp() and
// stamps its own expiry from it, and renewals extend from it. On the callers' clocks, an instance whose
// clock ran ahead saw other instances' live leases as lapsed and was granted budget they still held.
// The holder keeps its own, earlier, idea of expiry (its clock when it sent the grant, plus the TTL), so
// it stops using a lease before the database lets it lapse. `now` (tests that drive time) overrides the
// database's clock; the month is always the caller's, as its meter charges by its own clock.
//
// Every statement that locks several leases locks them in id order (a materialized `ORDER BY "id"
// FOR UPDATE` first), as the meter's flush does: two statements taking the same leases in different
// orders deadlock, and PostgreSQL breaks that only after deadlock_timeout (1 s) by aborting one.
import { randomBytes } from "node:crypto";
import { bigintOrNull, db, directQuery, listen, type Listener } from "../db";
import { arrayLiteral } from "../db/array-literal";
import { Prisma } from "../db/generated/client";
import { monthStart } from "./period";
import { TIER_LADDER } from "./tiers";

export const LEASE_TTL_MS = 60_000;

export type LeaseGrant =
  | { granted: true; leaseId: string; amountMicros: bigint; expiresAt: number }
  | { granted: false; reason: "limit"; availableMicros: bigint; limitMicros: bigint | null; monthlySpendMicros: bigint }
  | { granted: false; reason: "no_account" };

/** Whose clock decides which leases are live: the database's (production) or the caller's `now` (tests). */
export type LeaseClock = { now: Date; database: boolean };

/**
 * Lease up to `want` (at least `need`) of the account's remaining budget for `holder`.
 * Unlimited accounts (no limit) get `want` without touching other leases. `expiresAt` is the
 * caller's clock at the call plus the TTL: on the database's clock, no later than the lease lapses.
 */
export async function grantSpendLease(
  accountId: string,
  holder: string,
  need: bigint,
  want: bigint,
  clock: LeaseClock = { now: new Date(), database: true },
): Promise<LeaseGrant> {
  const leaseId = `sl_${randomBytes(10).toString("hex")}`;
  const { now } = clock;
  const expiresAt = new Date(now.getTime() + LEASE_TTL_MS);
  // One statement (prisma/migrations/…_grant_spend_lease_function): the account's row lock, which
  // the meter's flushes wait for, is held only inside PostgreSQL, never across round trips to this
  // process — under load each round trip waits for a busy event loop.
  const rows = await directQuery({
    name: "grant_spend_lease_v2",
    text: `SELECT "granted", "amountMicros"::text, "availableMicros"::text, "limitMicros"::text, "monthlySpendMicros"::text
      FROM headroom_grant_spend_lease($1, $2, $3, $4::bigint, $5::bigint, $6::timestamptz, $7::timestamptz, $8::bigint, $9::text[], $10::bigint[])`,
    values: [
      accountId,
      holder,
      leaseId,
      need.toString(),
      want.toString(),
      clock.database ? null : now.toISOString(),
      monthStart(now).toISOString(),
      String(LEASE_TTL_MS),
      CAP_TIERS,
      CAPS,
    ],
  });
  const row = rows[0];
  if (!row) return { granted: false, reason: "no_account" };
  if (row.granted === true)
    return { granted: true, leaseId, amountMicros: bigintOrNull(row.amountMicros)!, expiresAt: expiresAt.getTime() };
  return {
    granted: false,
    reason: "limit",
    availableMicros: bigintOrNull(row.availableMicros)!,
    limitMicros: bigintOrNull(row.limitMicros),
    monthlySpendMicros: bigintOrNull(row.monthlySpendMicros)!,
  };
}

/**
 * Every tier and its cap (null: none), as headroom_grant_spend_lease() takes them ($9 text[], $10
 * bigint[]: sent as text for the nulls); Tier 0's cap is its credits.
 */
const CAP_TIERS = arrayLiteral(
  "text",
  TIER_LADDER.map((r) => r.tier),
);
const CAPS = arrayLiteral(
  "text",
  TIER_LADDER.map((r) => r.cap?.toString() ?? null),
);

export interface Renewal {
  /** Leases renewed, to be used as before. */
  live: Set<string>;
  /** Leases renewed that were taken back (revokeAccountLeases): kept only for requests in flight. */
  revoked: Set<string>;
}

/**
 * Keep the holder's leases alive for another TTL from now (the database's clock, or the caller's
 * `now` in tests). A revoked lease is renewed too — its requests in flight still hold its budget,
 * which grants must go on counting — and reported as such. The others are gone: released, deleted as
 * lapsed, or lapsed — and a lapsed lease is never revived: grants stopped counting it, so its budget
 * may be another instance's now.
 */
export async function renewSpendLeases(leaseIds: string[], now?: Date): Promise<Renewal> {
  if (leaseIds.length === 0) return { live: new Set(), revoked: new Set() };
  const from = now ? Prisma.sql`${now}::timestamptz` : Prisma.sql`statement_timestamp()`;
  const rows = await db().$queryRaw<{ id: string; revoked: boolean }[]>`
    WITH locked AS MATERIALIZED (SELECT "id" FROM "SpendLease" WHERE "id" IN (${Prisma.join(leaseIds)}) ORDER BY "id" FOR UPDATE)
    UPDATE "SpendLease" l SET "expiresAt" = ${from} + ${LEASE_TTL_MS} * interval '1 millisecond'
    FROM locked WHERE l."id" = locked."id" AND l."expiresAt" > ${from} RETURNING l."id", l."revoked"`;
  return {
    live: new Set(rows.filter((r) => !r.revoked).map((r) => r.id)),
    revoked: new Set(rows.filter((r) => r.revoked).map((r) => r.id)),
  };
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
 * lower tier, a card removed, credits refunded). Every lease is marked revoked: its holder reserves no
 * more on it and keeps it only for what its requests in flight reserved — those requests will be
 * charged, so the account's next grant must still count them. This process's leases stop at once and
 * are cut to that here. Other instances' leases keep their amount until their holders cut it (what
 * they hold in flight is known only to them): they hear it when the transaction commits
 * (listenForRevokedLeases) — or, if their notifications are down, on their next renewal (within 2 s).
 * Deleting them instead would let the next grant hand out again the budget their requests in flight
 * were about to spend.
 */
export async function revokeAccountLeases(accountId: string, client: Executor = db()): Promise<void> {
  const kept: { id: string; unused: string }[] = [];
  for (const holder of localHolders) for (const [id, unused] of holder.retire(accountId)) kept.push({ id, unused: unused.toString() });
  // One statement, the account's leases locked in id order first (see the header).
  await client.$executeRaw`
    WITH locked AS MATERIALIZED (SELECT "id" FROM "SpendLease" WHERE "accountId" = ${accountId} ORDER BY "id" FOR UPDATE),
    kept AS (SELECT k."id", k."unused"::bigint AS "unused" FROM jsonb_to_recordset(${JSON.stringify(kept)}::jsonb) AS k("id" text, "unused" text))
    UPDATE "SpendLease" l SET "revoked" = true, "amountMicros" = GREATEST(0, l."amountMicros" - COALESCE(k."unused", 0))
    FROM locked LEFT JOIN kept k ON k."id" = locked."id" WHERE l."id" = locked."id"`;
  // Delivered to every listening instance when (and only if) the caller's transaction commits.
  await client.$executeRaw`SELECT pg_notify(${LEASES_REVOKED_CHANNEL}, ${accountId})`;
}

const LEASES_REVOKED_CHANNEL = "headroom_spend_leases_revoked";

/**
 * Another instance took an account's leases back (revokeAccountLeases committed): `onRevoked` is
 * called with its id at once, not at this instance's next renewal. Null on PGlite (one process).
 */
export function listenForRevokedLeases(onRevoked: (accountId: string) => void): Listener | null {
  return listen(LEASES_REVOKED_CHANNEL, onRevoked);
}

/**
 * Housekeeping: lapsed leases are ignored by grants; this deletes those lapsed over a TTL ago, by the
 * earlier of `now` (a job's time, which an operator may set) and the database's clock — never a lease
 * still live on the database's clock.
 */
export function deleteLapsedLeases(now = new Date()): Promise<number> {
  return deleteLeases(
    Prisma.sql`"expiresAt" < LEAST(${now}::timestamptz, statement_timestamp()) - ${LEASE_TTL_MS} * interval '1 millisecond'`,
  );
}

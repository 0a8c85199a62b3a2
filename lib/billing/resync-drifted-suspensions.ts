// The safety net under SPEC §5's "derived at every event": every event that moves money re-derives
// the account's suspension in its own transaction, but one can fail after its money moved (a charge
// batch commits, then the database refuses the suspension write, and the retries run out or the
// process stops). Accounts touched lately whose recorded reasons differ from what their facts imply
// are re-derived here, by the minute job. The facts of every candidate are read in one query (its
// cost does not grow by round trips with the number of busy accounts); only a drifted account is
// locked, checked again and written.
import { db } from "../db";
import type { SuspensionReasonCode } from "../db/generated/enums";
import type { Prisma } from "../db/generated/client";
import { log } from "../log";
import { lockAccount, type Tx } from "./lock-account";
import { factsOf, loadFacts, reasonsFor, syncSuspension } from "./suspension";

/** True when the recorded automatic reasons are not the ones the facts imply. */
function differs(holding: Set<SuspensionReasonCode>, recorded: SuspensionReasonCode[]): boolean {
  return recorded.length !== holding.size || recorded.some((r) => !holding.has(r));
}

const automatic = { liftedAt: null, reason: { not: "manual" } } satisfies Prisma.SuspensionReasonWhereInput;

/** True when the account's recorded automatic reasons are not the ones its facts imply now. */
export async function suspensionDrifted(tx: Tx, accountId: string, now: Date): Promise<boolean> {
  const holding: Set<SuspensionReasonCode> = reasonsFor(await loadFacts(tx, accountId, now));
  const recorded = await tx.suspensionReason.findMany({ where: { accountId, ...automatic }, select: { reason: true } });
  return differs(
    holding,
    recorded.map((r) => r.reason),
  );
}

/** Which accounts to check: one, or every account updated since an instant. */
export type DriftScope = { accountId: string } | { touchedSince: Date };

/** The accounts in scope whose recorded reasons drifted from their facts (read only). */
async function findDriftedAccounts(scope: DriftScope, now: Date): Promise<{ checked: number; drifted: string[] }> {
  const rows = await db().account.findMany({
    where: "accountId" in scope ? { id: scope.accountId } : { updatedAt: { gte: scope.touchedSince } },
    select: {
      id: true,
      tier: true,
      spendLimitMicros: true,
      creditBalanceMicros: true,
      monthlySpendMicros: true,
      spendPeriod: true,
      suspensionReasons: { where: automatic, select: { reason: true } },
      _count: { select: { paymentMethods: { where: { detachedAt: null } }, invoices: { where: { status: "failed" } } } },
    },
  });
  const drifted = rows
    .filter((a) =>
      differs(
        reasonsFor(factsOf(a, a._count.paymentMethods, a._count.invoices, now)),
        a.suspensionReasons.map((r) => r.reason),
      ),
    )
    .map((a) => a.id);
  return { checked: rows.length, drifted };
}

/** Re-derive the suspension of each account in scope that drifted; returns how many were checked and the ones re-derived. */
export async function resyncDriftedSuspensions(scope: DriftScope, now: Date): Promise<{ checked: number; resynced: string[] }> {
  const { checked, drifted } = await findDriftedAccounts(scope, now);
  const resynced: string[] = [];
  for (const id of drifted) {
    // Locked, then checked again: a billing verb may have re-derived it since it was read.
    const changed = await db().$transaction(async (tx) => {
      if (!(await lockAccount(tx, id)) || !(await suspensionDrifted(tx, id, now))) return false;
      await syncSuspension(tx, id, now);
      return true;
    });
    if (changed) {
      resynced.push(id);
      log.warn("suspension re-derived by the minute check (an event's own re-derivation was lost)", { accountId: id });
    }
  }
  return { checked, resynced };
}

// The safety net under SPEC §5's "derived at every event": every event that moves money re-derives
// the account's suspension in its own transaction, but one can fail after its money moved (a charge
// batch commits, then the database refuses the suspension write, and the retries run out or the
// process stops). Accounts touched lately whose recorded reasons differ from what their facts imply
// are re-derived here, by the minute job. Reading is cheap; only a drifted account is locked and written.
import { db } from "../db";
import type { SuspensionReasonCode } from "../db/generated/enums";
import { log } from "../log";
import { lockAccount, type Tx } from "./lock-account";
import { loadFacts, reasonsFor, syncSuspension } from "./suspension";

/** True when the account's recorded automatic reasons are not the ones its facts imply now. */
export async function suspensionDrifted(tx: Tx, accountId: string, now: Date): Promise<boolean> {
  const holding: Set<SuspensionReasonCode> = reasonsFor(await loadFacts(tx, accountId, now));
  const recorded = await tx.suspensionReason.findMany({
    where: { accountId, liftedAt: null, reason: { not: "manual" } },
    select: { reason: true },
  });
  return recorded.length !== holding.size || recorded.some((r) => !holding.has(r.reason));
}

/** Re-derive the suspension of each given account that drifted; returns the ones re-derived. */
export async function resyncDriftedSuspensions(accountIds: string[], now: Date): Promise<string[]> {
  const resynced: string[] = [];
  for (const id of accountIds) {
    if (!(await db().$transaction((tx) => suspensionDrifted(tx, id, now)))) continue;
    // Locked, then checked again: a billing verb may have re-derived it in between.
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
  return resynced;
}

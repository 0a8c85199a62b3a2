// A response the gateway withdrew — answered 503, "not charged" — whose usage may have been committed
// after all: the meter's flush carrying it lost its connection after the statement was sent (a reset,
// a timeout), so whether PostgreSQL committed it was unknown. Once the database answers again (and
// any such statement has long ended: lib/gateway/meter.ts waits past the driver's timeouts), the
// meter asks here. Each request that was in fact charged gets its charge back as credits, an
// `adjustment` keyed by the request id (a second call changes nothing), so what its client was told
// holds: a withdrawn response costs nothing. Its usage record stays — the tokens were generated —
// and so does its charge in the month's spend (the spend limit counts it) and on the invoice, which
// the credit pays.
import { inTransaction } from "../db";
import { usdString } from "../money";
import { notify } from "../alerts/notify";
import { lockAccount } from "./lock-account";
import { postLedgerEntry } from "./post-ledger-entry";
import { syncSuspension } from "./suspension";

export interface WithdrawnRequest {
  requestId: string;
  accountId: string;
}

export const withdrawnCreditKey = (requestId: string): string => `withdrawn:${requestId}`;

/** Credits back each withdrawn request that was charged; returns the ids of those that were. */
export async function creditWithdrawnCharges(withdrawn: WithdrawnRequest[], at = new Date()): Promise<Set<string>> {
  const charged = new Set<string>();
  const byAccount = new Map<string, string[]>();
  for (const w of withdrawn) {
    const list = byAccount.get(w.accountId);
    if (list) list.push(w.requestId);
    else byAccount.set(w.accountId, [w.requestId]);
  }
  // Accounts in id order, as every verb that locks several takes them.
  for (const accountId of [...byAccount.keys()].sort()) {
    const requestIds = byAccount.get(accountId)!;
    await inTransaction(async (tx) => {
      // The account's row lock first: a flush that carried one of these records and is still
      // committing (storage stalled, say) holds it, so the ledger is read only once that flush is over.
      await lockAccount(tx, accountId);
      const charges = await tx.ledgerEntry.findMany({
        where: { accountId, kind: "usage_charge", idempotencyKey: { in: requestIds.map((id) => `usage:${id}`) } },
        select: { idempotencyKey: true, creditMicros: true, invoiceMicros: true },
      });
      const credited: { requestId: string; micros: bigint }[] = [];
      for (const c of charges) {
        const requestId = c.idempotencyKey.slice("usage:".length);
        charged.add(requestId);
        const micros = c.creditMicros + c.invoiceMicros;
        const posted = await postLedgerEntry(tx, {
          accountId,
          kind: "adjustment",
          amountMicros: micros,
          idempotencyKey: withdrawnCreditKey(requestId),
          description: `Credit for ${requestId}: answered 503 and not delivered, though its usage ($${usdString(micros)}) was recorded`,
          at,
        });
        if (posted.posted) credited.push({ requestId, micros });
      }
      if (credited.length === 0) return;
      const total = credited.reduce((sum, c) => sum + c.micros, 0n);
      const ids = credited.map((c) => c.requestId);
      await notify(tx, {
        accountId,
        kind: "usage_credited",
        title: `$${usdString(total)} of usage credited back`,
        body:
          `${ids.length === 1 ? "A response" : `${ids.length} responses`} answered 503 (the usage database stopped answering) ` +
          `had been charged all the same; the charge is back in your credits. Request ${ids.length === 1 ? "id" : "ids"}: ${ids.join(", ")}.`,
        dedupeKey: withdrawnCreditKey(ids[0]!),
      });
      // More credits can lift a suspension (no card and no credits left).
      await syncSuspension(tx, accountId, at);
    });
  }
  return charged;
}

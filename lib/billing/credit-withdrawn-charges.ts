// A response the gateway withdrew — answered 503, "not charged" — whose usage may have been committed
// after all: the meter's flush carrying it lost its connection after the statement was sent (a reset,
// a timeout), so whether PostgreSQL committed it was unknown. Once the database answers again (and
// any such statement has long ended: lib/gateway/meter.ts waits past the driver's timeouts), the
// meter asks here. Each request that was in fact charged gets its charge back as credits, an
// `adjustment` keyed by the request id (a second call changes nothing), so what its client was told
// holds: a withdrawn response costs nothing. Its usage record stays — the tokens were generated.
import { inTransaction, db } from "../db";
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
  if (withdrawn.length === 0) return charged;
  const charges = await db().ledgerEntry.findMany({
    where: {
      accountId: { in: [...new Set(withdrawn.map((w) => w.accountId))] },
      kind: "usage_charge",
      idempotencyKey: { in: withdrawn.map((w) => `usage:${w.requestId}`) },
    },
    select: { accountId: true, idempotencyKey: true, creditMicros: true, invoiceMicros: true },
  });
  const byAccount = new Map<string, { requestId: string; micros: bigint }[]>();
  for (const c of charges) {
    const requestId = c.idempotencyKey.slice("usage:".length);
    charged.add(requestId);
    const list = byAccount.get(c.accountId) ?? [];
    list.push({ requestId, micros: c.creditMicros + c.invoiceMicros });
    byAccount.set(c.accountId, list);
  }
  for (const [accountId, list] of byAccount) {
    await inTransaction(async (tx) => {
      await lockAccount(tx, accountId);
      const credited: { requestId: string; micros: bigint }[] = [];
      for (const { requestId, micros } of list) {
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
      if (credited.length > 0) {
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
      }
      // More credits can lift a suspension (no card and no credits left).
      await syncSuspension(tx, accountId, at);
    });
  }
  return charged;
}

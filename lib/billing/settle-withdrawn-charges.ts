// A response the gateway withdrew — answered 503, "not charged" — whose usage may have been committed
// after all: the meter's flush carrying it lost its connection after the statement was sent (a reset,
// a timeout), so whether PostgreSQL committed it was unknown, and that statement may even still be on
// its way (a network partition that heals later). Once the database answers again the meter settles
// each such request here, for good:
//
// - never charged: a withdrawn usage record (cost 0, `withdrawn`) now holds its request id. Every
//   flush inserts its records ON CONFLICT DO NOTHING and charges only those it inserted, so a flush
//   that arrives later can no longer charge it. A flush still running when this runs holds the same
//   key uncommitted: the insert waits for it to end and then sees whether it committed.
// - charged: the charge comes back as credits, an `adjustment` keyed by the request id (a second call
//   changes nothing), so what its client was told holds: a withdrawn response costs nothing. Its usage
//   record stays — the tokens were generated — and so does its charge in the month's spend (the spend
//   limit counts it) and on the invoice, which the credit pays.
//
// Locks are taken in the flush's order, the request's usage key first and the account's row second,
// so the two never wait for each other in a cycle.
import { inTransaction } from "../db";
import { arrayLiteral } from "../db/array-literal";
import { usdString } from "../money";
import { notify } from "../alerts/notify";
import type { UsageCharge } from "./charge-usage-batch";
import { lockAccount } from "./lock-account";
import { postLedgerEntry } from "./post-ledger-entry";
import { syncSuspension } from "./suspension";

export type WithdrawnRequest = Pick<
  UsageCharge,
  "requestId" | "accountId" | "apiKeyId" | "modelId" | "promptTokens" | "completionTokens" | "n" | "latencyMs" | "at"
>;

export const withdrawnCreditKey = (requestId: string): string => `withdrawn:${requestId}`;

/**
 * Settles withdrawn requests in doubt: fences those never charged, credits back those that were.
 * Returns the ids of those that were charged (and are now credited).
 */
export async function settleWithdrawnCharges(withdrawn: WithdrawnRequest[], at = new Date()): Promise<Set<string>> {
  const charged = new Set<string>();
  const byAccount = new Map<string, WithdrawnRequest[]>();
  for (const w of withdrawn) {
    const list = byAccount.get(w.accountId);
    if (list) list.push(w);
    else byAccount.set(w.accountId, [w]);
  }
  // Accounts in id order, as every verb that locks several takes them.
  for (const accountId of [...byAccount.keys()].sort()) {
    const requests = byAccount.get(accountId)!;
    await inTransaction(async (tx) => {
      // The fence: a withdrawn record for each request whose key is free. Those inserted were never
      // charged and now never will be; the others were recorded already — charged, or fenced by an
      // earlier check.
      const column = <K extends keyof WithdrawnRequest>(key: K) => requests.map((r) => r[key]);
      const fenced = await tx.$queryRaw<{ requestId: string }[]>`
        INSERT INTO "UsageRecord" ("id", "requestId", "accountId", "apiKeyId", "modelId", "promptTokens", "completionTokens", "n",
          "costMicros", "latencyMs", "withdrawn", "createdAt")
        SELECT 'ur_' || r."requestId", r."requestId", ${accountId}, r."apiKeyId", r."modelId", r."promptTokens", r."completionTokens",
          r."n", 0, r."latencyMs", true, r."at"
        FROM unnest(${arrayLiteral("text", column("requestId"))}::text[], ${arrayLiteral("text", column("apiKeyId"))}::text[],
          ${arrayLiteral("text", column("modelId"))}::text[], ${arrayLiteral("int", column("promptTokens"))}::int[],
          ${arrayLiteral("int", column("completionTokens"))}::int[], ${arrayLiteral("int", column("n"))}::int[],
          ${arrayLiteral("int", column("latencyMs"))}::int[], ${arrayLiteral(
            "text",
            requests.map((r) => r.at.toISOString()),
          )}::timestamptz[])
          AS r ("requestId", "apiKeyId", "modelId", "promptTokens", "completionTokens", "n", "latencyMs", "at")
        ON CONFLICT ("id") DO NOTHING
        RETURNING "requestId"`;
      const fencedIds = new Set(fenced.map((f) => f.requestId));
      const recorded = requests.filter((r) => !fencedIds.has(r.requestId)).map((r) => r.requestId);
      if (recorded.length === 0) return;
      // The account's row lock before the ledger is read, as every verb that moves its money takes it.
      await lockAccount(tx, accountId);
      const charges = await tx.ledgerEntry.findMany({
        where: { accountId, kind: "usage_charge", idempotencyKey: { in: recorded.map((id) => `usage:${id}`) } },
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

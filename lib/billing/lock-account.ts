// Every billing verb starts by locking the account row, in the same order as the gateway's charge
// batches (account first, then invoices/ledger), so concurrent verbs on one account serialise and
// never deadlock, and the counters they read are the ones they will write.
import type { Prisma } from "../db/generated/client";

export type Tx = Prisma.TransactionClient;

/** SELECT … FOR UPDATE on the account; false when it does not exist. */
export async function lockAccount(tx: Tx, accountId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Account" WHERE "id" = ${accountId} FOR UPDATE`;
  return rows.length > 0;
}

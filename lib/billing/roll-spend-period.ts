// A new calendar month starts monthly spend from zero (SPEC §3). Done lazily, inside whichever
// transaction first touches the account in the new month (and by the month-close job for all).
import type { Prisma } from "../db/generated/client";
import { monthStart } from "./period";

type Tx = Prisma.TransactionClient;

/** Returns true when the account moved to a new period (callers then re-sync suspension). */
export async function rollSpendPeriod(tx: Tx, accountId: string, now = new Date()): Promise<boolean> {
  const period = monthStart(now);
  const moved = await tx.account.updateMany({
    where: { id: accountId, spendPeriod: { lt: period } },
    data: { monthlySpendMicros: 0n, spendPeriod: period },
  });
  return moved.count > 0;
}

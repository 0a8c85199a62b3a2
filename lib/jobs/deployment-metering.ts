// Background job: charge running deployments per GPU-minute (SPEC §8, §12). A plain, idempotent
// async function the scheduler calls (typically each minute) with the instant to meter up to.
// Each account is metered in its own transaction under its row lock; every deployment-minute has
// its own ledger key, so running this twice, or concurrently, for the same instant charges once.
// See lib/resources/deployments/meter-account.ts for what happens at the spend limit.
import { db } from "../db";
import { lockAccount } from "../billing/lock-account";
import { rollSpendPeriod } from "../billing/roll-spend-period";
import { syncSuspension } from "../billing/suspension";
import { errorSummary, log } from "../log";
import { resourceTransaction } from "../quotas/lock-account";
import { meterAccountDeployments } from "../resources/deployments/meter-account";

export interface DeploymentMeteringResult {
  accounts: number;
  /** Deployment-minutes newly charged. */
  minutes: number;
  chargedMicros: bigint;
  promoted: number;
  /** Accounts suspended by these charges (their deployments were stopped). */
  suspended: string[];
  failed: { accountId: string; error: string }[];
}

export async function runDeploymentMetering({ at }: { at: Date }): Promise<DeploymentMeteringResult> {
  const accounts = await db().deployment.findMany({
    where: { state: { in: ["starting", "running"] } },
    distinct: ["accountId"],
    select: { accountId: true },
    orderBy: { accountId: "asc" },
  });
  const result: DeploymentMeteringResult = {
    accounts: accounts.length,
    minutes: 0,
    chargedMicros: 0n,
    promoted: 0,
    suspended: [],
    failed: [],
  };
  for (const { accountId } of accounts) {
    try {
      const r = await resourceTransaction(async (tx) => {
        if (!(await lockAccount(tx, accountId))) return null;
        if (await rollSpendPeriod(tx, accountId, at)) await syncSuspension(tx, accountId, at);
        return meterAccountDeployments(tx, accountId, at, { enforceLimit: true });
      });
      if (!r) continue;
      result.minutes += r.minutes;
      result.chargedMicros += r.chargedMicros;
      result.promoted += r.promoted;
      if (r.suspendedAt) result.suspended.push(accountId);
    } catch (err) {
      // One account's failure must not hold back the others; the next run retries it.
      const error = errorSummary(err);
      log.error("deployment metering failed for an account", { accountId, error });
      result.failed.push({ accountId, error });
    }
  }
  return result;
}

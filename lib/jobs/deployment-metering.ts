// Background job: charge running deployments per GPU-minute (SPEC §8, §12). A plain, idempotent
// async function the scheduler calls (typically each minute) with the instant to meter up to.
// Each account is metered in its own transaction under its row lock; every deployment-minute has
// its own ledger key, so running this twice, or concurrently, for the same instant charges once.
// Spend never passes the limit: see lib/resources/deployments/meter-account.ts (charges capped at
// the limit) and stop-at-spend-limit.ts (deployments stopped before a minute that would not fit).
import { db } from "../db";
import { lockAccount } from "../billing/lock-account";
import { rollSpendPeriod } from "../billing/roll-spend-period";
import { syncSuspension } from "../billing/suspension";
import { errorSummary, log } from "../log";
import { resourceTransaction } from "../quotas/lock-account";
import { meterAccountDeployments } from "../resources/deployments/meter-account";
import { stopBeforeSpendLimit } from "../resources/deployments/stop-at-spend-limit";

export interface DeploymentMeteringResult {
  accounts: number;
  /** Deployment-minutes newly charged. */
  minutes: number;
  chargedMicros: bigint;
  promoted: number;
  /** Accounts suspended by these charges (their deployments were stopped). */
  suspended: string[];
  /** Accounts whose deployments were stopped because the spend limit could not pay for another minute. */
  stopped: string[];
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
    stopped: [],
    failed: [],
  };
  for (const { accountId } of accounts) {
    try {
      const r = await resourceTransaction(async (tx) => {
        if (!(await lockAccount(tx, accountId))) return null;
        if (await rollSpendPeriod(tx, accountId, at)) await syncSuspension(tx, accountId, at);
        const metered = await meterAccountDeployments(tx, accountId, at, { enforceLimit: true });
        // The minute now running is charged by the next run: stop what the limit could not pay for.
        const stopped = metered.suspendedAt || metered.limitedAt ? 0 : await stopBeforeSpendLimit(tx, accountId, at);
        return { ...metered, stopped: stopped > 0 || (metered.limitedAt !== null && !metered.suspendedAt) };
      });
      if (!r) continue;
      result.minutes += r.minutes;
      result.chargedMicros += r.chargedMicros;
      result.promoted += r.promoted;
      if (r.suspendedAt) result.suspended.push(accountId);
      if (r.stopped) result.stopped.push(accountId);
    } catch (err) {
      // One account's failure must not hold back the others; the next run retries it.
      const error = errorSummary(err);
      log.error("deployment metering failed for an account", { accountId, error });
      result.failed.push({ accountId, error });
    }
  }
  return result;
}

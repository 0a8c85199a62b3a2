// Background job: move fine-tuning jobs forward in (simulated) time and charge their training per
// progress step (SPEC §8, §12). A plain, idempotent async function the scheduler calls with the
// instant to advance to. Each account is advanced in its own transaction under its row lock; each
// step has its own ledger key, so running this twice, or concurrently, for one instant charges once.
// See lib/resources/fine-tuning/advance-account.ts for states and what happens at the spend limit.
import { db } from "../db";
import { lockAccount } from "../billing/lock-account";
import { rollSpendPeriod } from "../billing/roll-spend-period";
import { syncSuspension } from "../billing/suspension";
import { errorSummary, log } from "../log";
import { resourceTransaction } from "../quotas/lock-account";
import { advanceAccountJobs } from "../resources/fine-tuning/advance-account";

export interface FineTuningAdvanceResult {
  accounts: number;
  /** Progress steps newly charged. */
  steps: number;
  chargedMicros: bigint;
  started: number;
  completed: number;
  failed: number;
  /** Jobs paused because their next step would have taken spend past the limit. */
  paused: number;
  /** Accounts suspended by these charges (their jobs were paused). */
  suspended: string[];
  errors: { accountId: string; error: string }[];
}

export async function advanceFineTuning({ at }: { at: Date }): Promise<FineTuningAdvanceResult> {
  const accounts = await db().fineTuningJob.findMany({
    where: { state: { in: ["queued", "running"] } },
    distinct: ["accountId"],
    select: { accountId: true },
    orderBy: { accountId: "asc" },
  });
  const result: FineTuningAdvanceResult = {
    accounts: accounts.length,
    steps: 0,
    chargedMicros: 0n,
    started: 0,
    completed: 0,
    failed: 0,
    paused: 0,
    suspended: [],
    errors: [],
  };
  for (const { accountId } of accounts) {
    try {
      const r = await resourceTransaction(async (tx) => {
        if (!(await lockAccount(tx, accountId))) return null;
        if (await rollSpendPeriod(tx, accountId, at)) await syncSuspension(tx, accountId, at);
        return advanceAccountJobs(tx, accountId, at, { enforceLimit: true });
      });
      if (!r) continue;
      result.steps += r.steps;
      result.chargedMicros += r.chargedMicros;
      result.started += r.started;
      result.completed += r.completed;
      result.failed += r.failed;
      result.paused += r.paused;
      if (r.suspendedAt) result.suspended.push(accountId);
    } catch (err) {
      // One account's failure must not hold back the others; the next run retries it.
      const error = errorSummary(err);
      log.error("fine-tuning advance failed for an account", { accountId, error });
      result.errors.push({ accountId, error });
    }
  }
  return result;
}

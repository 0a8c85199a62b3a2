// The background jobs (SPEC §12) as a registry: each has a name (the operator route's {job}), the
// work, and optionally a schedule — a function from the time to the key it should have run under
// (e.g. month-close → "2026-10" from November 1st on), so the scheduler runs it once per key
// across instances (runner.ts). Other domains write their job as a function (lib/jobs/deployment-metering.ts,
// fine-tuning.ts) and it is registered here; tools and tests may add more with registerJob.
import { db } from "../db";
import { closeMonth } from "../billing/close-month";
import { monthStart, periodLabel, previousMonthStart } from "../billing/period";
import { reconcileBalances, view } from "../billing/reconcile-balances";
import { deleteLapsedLeases } from "../billing/spend-lease";
import { runAutoTopUp } from "../billing/run-auto-top-up";
import { autoTopUpCandidates } from "../billing/auto-top-up-candidates";
import { resyncDriftedSuspensions } from "../billing/resync-drifted-suspensions";
import { checkBudgetAlerts } from "../alerts/check-budget-alerts";
import { deliverPendingEmails } from "../alerts/deliver-emails";
import { usdString } from "../money";
import { errorSummary, log } from "../log";
import { savedCardPayments } from "../payments/saved-card-payments";
import { runDeploymentMetering } from "./deployment-metering";
import { advanceFineTuning } from "./fine-tuning";

export interface JobParams {
  /** "Now" for the run (operators replay a given time). */
  at: Date;
  /** "YYYY-MM" for month close (default: the month before `at`). */
  period?: string;
  accountId?: string;
  repair?: boolean;
}

export interface JobDefinition {
  name: string;
  description: string;
  run(params: JobParams): Promise<unknown>;
  /** Key of the run due at `now` (null: nothing due); absent = not scheduled. */
  scheduleKey?: (now: Date) => string | null;
  /** Check the schedule at most this often. */
  everyMs?: number;
  /** Frequent jobs whose finished JobRun rows may be pruned (their work is deduped elsewhere). */
  prunable?: boolean;
  /** A run still "running" after this long is presumed dead and taken over (default 30 min). */
  staleAfterMs?: number;
}

const registry = new Map<string, JobDefinition>();

export function registerJob(def: JobDefinition): void {
  registry.set(def.name, def);
}

export function getJob(name: string): JobDefinition | undefined {
  return registry.get(name);
}

export function listJobs(): JobDefinition[] {
  return [...registry.values()];
}

const minuteKey = (now: Date) => now.toISOString().slice(0, 16);
const RECENT_MS = 10 * 60_000;

/** The job refused its parameters (unknown account, month not over…): the operator's mistake, not a failure. */
export class JobInputError extends Error {
  constructor(
    message: string,
    readonly code: "invalid" | "not_found",
  ) {
    super(message);
    this.name = "JobInputError";
  }
}
class JobFailed extends Error {}

// Metering first: at a month boundary the last minutes of usage are charged before the close.
registerJob({
  name: "deployment-metering",
  description: "Charge running dedicated deployments per GPU-minute up to now.",
  scheduleKey: minuteKey,
  everyMs: 60_000,
  prunable: true,
  run: ({ at }) => runDeploymentMetering({ at }),
});

registerJob({
  name: "fine-tuning",
  description: "Advance fine-tuning jobs and charge their training progress up to now.",
  scheduleKey: minuteKey,
  everyMs: 60_000,
  prunable: true,
  run: ({ at }) => advanceFineTuning({ at }),
});

registerJob({
  name: "month-close",
  description: "Invoice last month's usage not covered by credits; roll spend periods; re-derive suspensions.",
  scheduleKey: (now) => periodLabel(previousMonthStart(now)),
  everyMs: 60_000,
  staleAfterMs: 2 * 60 * 60_000,
  async run({ at, period, accountId }) {
    const result = await closeMonth({ period: period ?? previousMonthStart(at), accountId, now: at });
    if (!result.ok) throw new JobInputError(result.message, result.reason === "no_account" ? "not_found" : "invalid");
    const out = {
      period: result.period,
      accounts: result.accounts,
      invoices: result.invoiced.map((i) => ({ accountId: i.accountId, invoiceId: i.invoiceId, totalUsd: usdString(i.totalMicros) })),
      alreadyInvoiced: result.alreadyInvoiced,
      failed: result.failed,
    };
    // Failed accounts make the run fail, so the scheduler retries it (closing is idempotent).
    if (result.failed.length > 0)
      throw new JobFailed(`month close failed for ${result.failed.length} account(s): ${JSON.stringify(out.failed.slice(0, 5))}`);
    return out;
  },
});

registerJob({
  name: "reconcile",
  description: "Recompute credit balance, monthly and historical spend from the ledger; report differences.",
  scheduleKey: (now) => now.toISOString().slice(0, 10),
  everyMs: 15 * 60_000,
  async run({ accountId, repair }) {
    const result = await reconcileBalances({ accountId, repair });
    if (!result.ok) throw new JobInputError(result.message, "not_found");
    return { checked: result.checked, repaired: result.repaired, differences: result.differences.map(view) };
  },
});

registerJob({
  name: "auto-top-up",
  description: "Buy credits for accounts whose balance fell below their auto top-up threshold; look up charges never confirmed.",
  scheduleKey: minuteKey,
  everyMs: 60_000,
  prunable: true,
  async run({ at, accountId }) {
    const ids = (await autoTopUpCandidates()).filter((id) => !accountId || id === accountId);
    const outcomes: { accountId: string; outcome: string }[] = [];
    for (const id of ids) {
      try {
        // The saved card through the one Stripe client — the same in the scheduler and the operator route.
        const run = await runAutoTopUp(id, savedCardPayments, at);
        outcomes.push({ accountId: id, outcome: run.outcome });
      } catch (err) {
        // One account's failure must not hold back the others; the next run retries it.
        log.error("auto top-up failed for an account", { accountId: id, error: errorSummary(err) });
        outcomes.push({ accountId: id, outcome: "error" });
      }
    }
    return { candidates: ids.length, outcomes };
  },
});

registerJob({
  name: "budget-alerts",
  description: "Store budget alerts for accounts near their limit or low on credits; e-mail new notifications.",
  scheduleKey: minuteKey,
  everyMs: 60_000,
  prunable: true,
  async run({ at, accountId }) {
    const period = monthStart(at);
    // Alerts change only when money moves: check the accounts touched lately (or the one asked for).
    const candidates = await db().account.findMany({
      where: {
        ...(accountId ? { id: accountId } : { updatedAt: { gte: new Date(at.getTime() - RECENT_MS) } }),
        OR: [{ spendPeriod: period, monthlySpendMicros: { gt: 0n } }, { creditBalanceMicros: { gt: 0n } }],
      },
      select: { id: true },
    });
    let stored = 0;
    for (const { id } of candidates) {
      stored += await db().$transaction((tx) => checkBudgetAlerts(tx, id, { now: at }));
    }
    const emails = await deliverPendingEmails({ now: at });
    return { checked: candidates.length, stored, emails };
  },
});

registerJob({
  name: "suspension-check",
  description:
    "Re-derive the suspension of accounts touched lately whose recorded reasons differ from their spend, credits, cards and invoices.",
  scheduleKey: minuteKey,
  everyMs: 60_000,
  prunable: true,
  async run({ at, accountId }) {
    return resyncDriftedSuspensions(accountId ? { accountId } : { touchedSince: new Date(at.getTime() - RECENT_MS) }, at);
  },
});

registerJob({
  name: "spend-lease-cleanup",
  description: "Delete spend leases that lapsed over a minute ago (left by instances that stopped without releasing them).",
  scheduleKey: (now) => now.toISOString().slice(0, 13),
  everyMs: 15 * 60_000,
  prunable: true,
  async run({ at }) {
    return { deleted: await deleteLapsedLeases(at) };
  },
});

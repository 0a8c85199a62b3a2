// Charging a resource's usage (a deployment minute, a fine-tuning step) with the usage-charge
// convention of SPEC §4: credits first, the rest accrues to the month's invoice, the whole cost
// counts toward monthly spend. The caller holds the account row lock and keeps this state in
// memory across a run of charges, so it can tell after each one whether a suspension reason now
// holds (and stop exactly there), and how much the spend limit still allows (roomUnderLimit),
// without re-reading the account.
import type { Prisma } from "../db/generated/client";
import type { GpuType, LedgerKind } from "../db/generated/enums";
import { loadFacts, reasonsFor, type AccountFacts } from "../billing/suspension";
import { postLedgerEntry } from "../billing/post-ledger-entry";
import { monthStart } from "../billing/period";
import { spendCeiling } from "../billing/spend-ceiling";
import { rollSpendPeriod } from "../billing/roll-spend-period";
import type { Micros } from "../money";

type Tx = Prisma.TransactionClient;

export interface ChargeState {
  accountId: string;
  facts: AccountFacts;
  /** The month the account's monthly-spend counter belongs to. */
  spendPeriod: Date;
  /**
   * Budget the gateway's instances hold in live spend leases (SPEC §7): reserved for requests in
   * flight, so not for these charges. New leases wait for the account lock the caller holds.
   */
  leasedMicros: Micros;
  /** Newly posted during this run. */
  charges: number;
  chargedMicros: Micros;
}

export async function loadChargeState(tx: Tx, accountId: string, at: Date): Promise<ChargeState> {
  const [facts, account, leases] = await Promise.all([
    loadFacts(tx, accountId, at),
    tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { spendPeriod: true } }),
    tx.spendLease.aggregate({ where: { accountId, expiresAt: { gt: at } }, _sum: { amountMicros: true } }),
  ]);
  return {
    accountId,
    facts,
    spendPeriod: monthStart(account.spendPeriod),
    leasedMicros: leases._sum.amountMicros ?? 0n,
    charges: 0,
    chargedMicros: 0n,
  };
}

/**
 * How much more usage at `at` may be charged before monthly spend (plus the gateway's live leases)
 * reaches the spend ceiling (SPEC §3: spend never passes the limit); null when nothing caps it — no
 * ceiling, or usage of a month whose spend counter has already been rolled over (see postResourceCharge).
 */
export function roomUnderLimit(state: ChargeState, at: Date): Micros | null {
  const month = monthStart(at).getTime();
  if (month < state.spendPeriod.getTime()) return null;
  // The first usage of a new month starts its spend from zero.
  const monthly = month > state.spendPeriod.getTime() ? 0n : state.facts.monthlySpendMicros;
  const ceiling = spendCeiling({ ...state.facts, monthlySpendMicros: monthly });
  if (ceiling === null) return null;
  const room = ceiling - monthly - state.leasedMicros;
  return room > 0n ? room : 0n;
}

export interface ResourceCharge {
  kind: Extract<LedgerKind, "deployment_charge" | "fine_tuning_charge">;
  costMicros: Micros;
  /** When the usage happened: decides the ledger period. */
  at: Date;
  idempotencyKey: string;
  description: string;
  deploymentId?: string;
  fineTuningJobId?: string;
  modelName?: string;
  /** What was metered, in the invoice line's unit: GPU-minutes (deployments), training tokens (fine-tuning). */
  quantity: bigint;
  /** Deployments: the size the minute ran at, so a resized deployment is invoiced per size. */
  gpuType?: GpuType;
  gpuCount?: number;
}

/**
 * Post one charge; a key already in the ledger changes nothing. Returns whether it was posted. A
 * charge of nothing is posted only for a quantity — a training step whose tokens the job's rounded-up
 * price already paid for — so the ledger holds all the usage, and moves no money.
 */
export async function postResourceCharge(tx: Tx, state: ChargeState, c: ResourceCharge): Promise<boolean> {
  if (c.costMicros < 0n || (c.costMicros === 0n && c.quantity <= 0n)) return false;
  const credits = state.facts.creditBalanceMicros;
  const fromCredits = credits <= 0n ? 0n : credits < c.costMicros ? credits : c.costMicros;
  const month = monthStart(c.at);
  if (month.getTime() > state.spendPeriod.getTime()) {
    // The first usage of a new month starts its spend from zero (callers that did not roll first).
    await rollSpendPeriod(tx, state.accountId, c.at);
    state.spendPeriod = month;
    state.facts.monthlySpendMicros = 0n;
  }
  // Usage of a month whose spend counter has already been rolled over (a run catching up across
  // a month boundary) is recorded in its own period but no longer moves this month's spend.
  const countsTowardSpend = month.getTime() === state.spendPeriod.getTime();
  const result = await postLedgerEntry(tx, {
    accountId: state.accountId,
    kind: c.kind,
    amountMicros: -fromCredits,
    creditMicros: fromCredits,
    invoiceMicros: c.costMicros - fromCredits,
    spendMicros: countsTowardSpend ? c.costMicros : 0n,
    idempotencyKey: c.idempotencyKey,
    description: c.description,
    at: c.at,
    deploymentId: c.deploymentId,
    fineTuningJobId: c.fineTuningJobId,
    modelName: c.modelName,
    quantity: c.quantity,
    gpuType: c.gpuType,
    gpuCount: c.gpuCount,
  });
  if (!result.posted) return false;
  state.facts.creditBalanceMicros -= fromCredits;
  if (countsTowardSpend) state.facts.monthlySpendMicros += c.costMicros;
  state.charges += 1;
  state.chargedMicros += c.costMicros;
  return true;
}

/** True when, after the charges so far, some automatic suspension reason holds (SPEC §5). */
export function mustSuspend(state: ChargeState): boolean {
  return reasonsFor(state.facts).size > 0;
}

// Charging a resource's usage (a deployment minute, a fine-tuning step) with the usage-charge
// convention of SPEC §4: credits first, the rest accrues to the month's invoice, the whole cost
// counts toward monthly spend. The caller holds the account row lock and keeps this state in
// memory across a run of charges, so it can tell after each one whether a suspension reason now
// holds (and stop exactly there), and how much the spend limit still allows (roomUnderLimit),
// without re-reading the account.
//
// Usage counts toward the month it happened in (SPEC §3: monthly spend is a calendar month's usage;
// the ledger files it there, and that month's invoice bills it). So usage of an earlier month that
// is charged late — the last minute of a month, metered after the month turned — is capped against
// that month's spend, taken from the ledger, not against the new month's: charged as it would have
// been on time, it never takes the month it belongs to past the limit, and it takes nothing from the
// new month's budget. The limit is the one in force now (an earlier month's own is not kept; it moves
// only by the owner's hand or a tier upgrade). Such usage never suspends the account: a new month has
// begun, and `spend_limit_reached` is the current month's.
import { Prisma } from "../db/generated/client";
import type { GpuType, LedgerKind } from "../db/generated/enums";
import { loadFacts, reasonsFor, type AccountFacts } from "../billing/suspension";
import { postLedgerEntry } from "../billing/post-ledger-entry";
import { CHARGE_KINDS } from "../billing/ledger-effects";
import { monthStart, nextMonthStart, periodLabel } from "../billing/period";
import { spendCeiling } from "../billing/spend-ceiling";
import { rollSpendPeriod } from "../billing/roll-spend-period";
import type { Micros } from "../money";

type Tx = Prisma.TransactionClient;

export interface ChargeState {
  accountId: string;
  /** The account's facts now; `monthlySpendMicros` is the spend of `month`. */
  facts: AccountFacts;
  /** The current month: that of the instant charged up to. */
  month: Date;
  /** The month the account's monthly-spend counter belongs to (it is rolled to a later month's first charge). */
  spendPeriod: Date;
  /** Spend of earlier months, from the ledger (loadChargeState's `since`), kept up to date by the charges. */
  earlierSpend: Map<number, Micros>;
  /**
   * Budget the gateway's instances hold in live spend leases (SPEC §7): reserved for requests in
   * flight, so not for these charges. New leases wait for the account lock the caller holds.
   */
  leasedMicros: Micros;
  /** Newly posted during this run. */
  charges: number;
  chargedMicros: Micros;
}

const CHARGE_KIND_SQL = Prisma.join(CHARGE_KINDS.map((k) => Prisma.sql`${k}::"LedgerKind"`));

/**
 * The state for charging usage up to `at`. `since`: the earliest usage the caller may charge; the
 * spend of every earlier month from its month on is loaded, so late usage is capped against its month.
 */
export async function loadChargeState(tx: Tx, accountId: string, at: Date, since?: Date): Promise<ChargeState> {
  const month = monthStart(at);
  const [facts, account, leases] = await Promise.all([
    loadFacts(tx, accountId, at),
    tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { spendPeriod: true } }),
    tx.spendLease.aggregate({ where: { accountId, expiresAt: { gt: at } }, _sum: { amountMicros: true } }),
  ]);
  const earlierSpend = new Map<number, Micros>();
  const first = since ? monthStart(since) : month;
  if (first < month) {
    for (let m = first; m < month; m = nextMonthStart(m)) earlierSpend.set(m.getTime(), 0n);
    const rows = await tx.$queryRaw<{ period: Date; spend: bigint }[]>`
      SELECT "period", SUM("creditMicros" + "invoiceMicros")::bigint AS "spend" FROM "LedgerEntry"
      WHERE "accountId" = ${accountId} AND "period" >= ${first} AND "period" < ${month} AND "kind" IN (${CHARGE_KIND_SQL})
      GROUP BY "period"`;
    for (const r of rows) earlierSpend.set(monthStart(r.period).getTime(), r.spend);
  }
  return {
    accountId,
    facts,
    month,
    spendPeriod: monthStart(account.spendPeriod),
    earlierSpend,
    leasedMicros: leases._sum.amountMicros ?? 0n,
    charges: 0,
    chargedMicros: 0n,
  };
}

/**
 * How much more usage at `at` may be charged before the spend of its month (plus, this month, the
 * gateway's live leases) reaches the spend ceiling (SPEC §3: spend never passes the limit); null when
 * nothing caps it. Usage of an earlier month is capped against that month's spend; without a card it
 * is paid from credits, of which the leases hold their part.
 */
export function roomUnderLimit(state: ChargeState, at: Date): Micros | null {
  const month = monthStart(at);
  let room: Micros;
  if (month < state.month) {
    const spent = state.earlierSpend.get(month.getTime());
    if (spent === undefined) throw new Error(`spend of ${periodLabel(month)} not loaded: pass its usage as loadChargeState's since`);
    const ceiling = spendCeiling({ ...state.facts, monthlySpendMicros: spent });
    if (ceiling === null) return null;
    room = ceiling - spent;
    const credits = state.facts.creditBalanceMicros - state.leasedMicros;
    if (!state.facts.hasPaymentMethod && credits < room) room = credits;
  } else {
    const monthly = state.facts.monthlySpendMicros;
    const ceiling = spendCeiling({ ...state.facts, monthlySpendMicros: monthly });
    if (ceiling === null) return null;
    room = ceiling - monthly - state.leasedMicros;
  }
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
  if (month > state.spendPeriod) {
    // The first usage of a later month starts the counter from zero (callers that did not roll first).
    await rollSpendPeriod(tx, state.accountId, c.at);
    state.spendPeriod = month;
  }
  // The counter holds its month's usage only: usage of a month it has been rolled past is recorded in
  // its own period (billed with it, counted in its spend from the ledger) but does not move it.
  const countsTowardCounter = month.getTime() === state.spendPeriod.getTime();
  const result = await postLedgerEntry(tx, {
    accountId: state.accountId,
    kind: c.kind,
    amountMicros: -fromCredits,
    creditMicros: fromCredits,
    invoiceMicros: c.costMicros - fromCredits,
    spendMicros: countsTowardCounter ? c.costMicros : 0n,
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
  if (month < state.month) {
    const key = month.getTime();
    state.earlierSpend.set(key, (state.earlierSpend.get(key) ?? 0n) + c.costMicros);
  } else state.facts.monthlySpendMicros += c.costMicros;
  state.charges += 1;
  state.chargedMicros += c.costMicros;
  return true;
}

/** True when, after the charges so far, some automatic suspension reason holds (SPEC §5). */
export function mustSuspend(state: ChargeState): boolean {
  return reasonsFor(state.facts).size > 0;
}

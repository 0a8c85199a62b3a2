// Charge an account's deployments for every whole GPU-minute they ran, up to `through` (SPEC §8).
// The caller holds the account row lock (metering job, stop, scale, or syncSuspension's halt), so
// two runs for one account never interleave; the per-minute idempotency key makes a repeated run a
// no-op even without it.
//
// Spend never passes the limit (SPEC §3, §7): minutes are charged in time order, all deployments of
// the minute together, each charge at most what the spend limit still allows — limit − monthly spend
// − the gateway's live spend leases (charge.ts roomUnderLimit). A minute that does not fit is charged
// what fits, and the run stops there:
//   - when a suspension reason then holds (spend has reached the limit: spend_limit_reached; or the
//     credits of an account without a card are gone), syncSuspension suspends the account as of the
//     end of that minute, which stops every deployment at that instant (halt-resources);
//   - otherwise (the rest of the budget is leased to the gateway) the deployments are stopped at the
//     end of that minute all the same (stop-at-spend-limit.ts), and the owner is told why.
// So the ledger holds every minute up to the one the limit cut short — that one only in part — and
// nothing after it; the rest of that minute is not charged. A minute of last month metered after the
// month turned is capped against last month's spend (charge.ts): cut short, it stops the deployments
// at its end as it would have on time, and the new month's minutes after it are not charged. The metering job also stops deployments
// before that happens, when the minute now running would not fit (stopBeforeSpendLimit).
//
// With `enforceLimit: false` (syncSuspension's halt, which is stopping everything already) charges
// are capped the same way but the run neither suspends nor stops anything itself.
import type { Prisma } from "../../db/generated/client";
import { syncSuspension } from "../../billing/suspension";
import { usdString } from "../../money";
import { loadChargeState, mustSuspend, postResourceCharge, roomUnderLimit } from "../charge";
import { deploymentMinuteCost } from "../pricing";
import { MAX_MINUTES_PER_RUN, MINUTE_MS, minutesToCharge, readyAt, readyIfStartedBy } from "./timing";
import { stopAtSpendLimit } from "./stop-at-spend-limit";
import { DEPLOYED_MODEL_SELECT, deployedModelName } from "./view";

type Tx = Prisma.TransactionClient;

export interface MeterAccountResult {
  /** Deployment-minutes newly charged. */
  minutes: number;
  chargedMicros: bigint;
  /** starting → running transitions. */
  promoted: number;
  /** The account was suspended by these charges (its deployments are now stopped). */
  suspendedAt: Date | null;
  /** The limit cut a minute's charge short: its deployments stopped at its end (or were suspended then). */
  limitedAt: Date | null;
}

export async function meterAccountDeployments(
  tx: Tx,
  accountId: string,
  through: Date,
  opts: { enforceLimit: boolean },
): Promise<MeterAccountResult> {
  const result: MeterAccountResult = { minutes: 0, chargedMicros: 0n, promoted: 0, suspendedAt: null, limitedAt: null };
  const promoted = await tx.deployment.updateMany({
    where: { accountId, state: "starting", startedAt: { lte: readyIfStartedBy(through) } },
    data: { state: "running" },
  });
  result.promoted = promoted.count;
  const rows = await tx.deployment.findMany({
    where: { accountId, state: "running" },
    select: { id: true, gpuType: true, gpuCount: true, startedAt: true, lastMeteredAt: true, ...DEPLOYED_MODEL_SELECT },
    orderBy: { id: "asc" },
  });
  // Minute (epoch ms) → the deployments that ran it.
  const byMinute = new Map<number, typeof rows>();
  for (const row of rows) {
    if (!row.startedAt) continue;
    for (const m of minutesToCharge(readyAt(row.startedAt), row.lastMeteredAt, through)) {
      const list = byMinute.get(m.getTime()) ?? [];
      list.push(row);
      byMinute.set(m.getTime(), list);
    }
  }
  if (byMinute.size === 0) return result;

  const minutes = [...byMinute.keys()].sort((a, b) => a - b);
  // A minute of an earlier month (metered after the month turned) is capped against that month's spend.
  const state = await loadChargeState(tx, accountId, through, new Date(minutes[0]!));
  const meteredTo = new Map<string, Date>();
  let short: { leftMicros: bigint; minuteMicros: bigint; period?: Date } | null = null;
  for (const minute of minutes) {
    if (result.minutes >= MAX_MINUTES_PER_RUN) break; // the rest is for the next run
    const start = new Date(minute);
    const ran = byMinute.get(minute)!;
    const room = roomUnderLimit(state, start);
    const minuteCost = ran.reduce((sum, row) => sum + deploymentMinuteCost(row.gpuType, row.gpuCount), 0n);
    if (room !== null && room < minuteCost)
      short = { leftMicros: room, minuteMicros: minuteCost, ...(start < state.month ? { period: start } : {}) };
    for (const row of ran) {
      const cost = deploymentMinuteCost(row.gpuType, row.gpuCount);
      const left = roomUnderLimit(state, start);
      const charge = left === null || left >= cost ? cost : left;
      const modelName = deployedModelName(row);
      const description =
        `Deployment ${row.id} (${modelName}): ${row.gpuCount}× ${row.gpuType} for the minute ${start.toISOString()} at ${usdString(cost)}` +
        (charge < cost ? ` (${usdString(charge)} charged: the monthly spend limit allowed no more)` : "");
      const posted =
        charge > 0n &&
        (await postResourceCharge(tx, state, {
          kind: "deployment_charge",
          costMicros: charge,
          at: start,
          idempotencyKey: `deployment:${row.id}:${start.toISOString()}`,
          description,
          deploymentId: row.id,
          modelName,
          quantity: BigInt(row.gpuCount), // GPU-minutes: this minute × its GPUs
          gpuType: row.gpuType,
          gpuCount: row.gpuCount,
        }));
      if (posted) {
        result.minutes += 1;
        result.chargedMicros += charge;
      }
      meteredTo.set(row.id, start);
    }
    if (opts.enforceLimit && mustSuspend(state)) {
      result.suspendedAt = new Date(minute + MINUTE_MS);
      break;
    }
    if (short) {
      result.limitedAt = new Date(minute + MINUTE_MS);
      break;
    }
  }
  for (const [id, lastMeteredAt] of meteredTo) {
    await tx.deployment.update({ where: { id }, data: { lastMeteredAt } });
  }
  // Suspending stops every deployment of the account as of the end of the minute that reached the limit;
  // a minute the limit cut short otherwise stops them there too.
  if (result.suspendedAt) await syncSuspension(tx, accountId, result.suspendedAt);
  else if (result.limitedAt && opts.enforceLimit && short) await stopAtSpendLimit(tx, accountId, result.limitedAt, short);
  return result;
}

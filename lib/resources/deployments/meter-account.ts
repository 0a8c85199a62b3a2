// Charge an account's deployments for every whole GPU-minute they ran, up to `through` (SPEC §8).
// The caller holds the account row lock (metering job, stop, scale, or syncSuspension's halt), so
// two runs for one account never interleave; the per-minute idempotency key makes a repeated run a
// no-op even without it.
//
// At the spend limit: minutes are charged in time order, all deployments of the minute together.
// When, after a minute, a suspension reason holds (spend ≥ limit, credits gone without a card), the
// run stops there and syncSuspension suspends the account as of the end of that minute, which
// stops every deployment at that instant (halt-resources). So the ledger holds every minute up to
// and including the one during which the limit was reached — that final minute in full, for each
// deployment that ran it (the overshoot is at most one minute of the account's running GPUs) — and
// nothing after it; `stoppedAt` is the end of that minute.
import type { Prisma } from "../../db/generated/client";
import { syncSuspension } from "../../billing/suspension";
import { usdString } from "../../money";
import { loadChargeState, mustSuspend, postResourceCharge } from "../charge";
import { deploymentMinuteCost } from "../pricing";
import { MAX_MINUTES_PER_RUN, MINUTE_MS, minutesToCharge, readyAt, readyIfStartedBy } from "./timing";
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
}

export async function meterAccountDeployments(
  tx: Tx,
  accountId: string,
  through: Date,
  opts: { enforceLimit: boolean },
): Promise<MeterAccountResult> {
  const result: MeterAccountResult = { minutes: 0, chargedMicros: 0n, promoted: 0, suspendedAt: null };
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

  const state = await loadChargeState(tx, accountId, through);
  const meteredTo = new Map<string, Date>();
  for (const minute of [...byMinute.keys()].sort((a, b) => a - b)) {
    if (result.minutes >= MAX_MINUTES_PER_RUN) break; // the rest is for the next run
    const start = new Date(minute);
    for (const row of byMinute.get(minute)!) {
      const cost = deploymentMinuteCost(row.gpuType, row.gpuCount);
      const modelName = deployedModelName(row);
      const posted = await postResourceCharge(tx, state, {
        kind: "deployment_charge",
        costMicros: cost,
        at: start,
        idempotencyKey: `deployment:${row.id}:${start.toISOString()}`,
        description: `Deployment ${row.id} (${modelName}): ${row.gpuCount}× ${row.gpuType} for the minute ${start.toISOString()} at ${usdString(cost)}`,
        deploymentId: row.id,
        modelName,
        quantity: BigInt(row.gpuCount), // GPU-minutes: this minute × its GPUs
        gpuType: row.gpuType,
        gpuCount: row.gpuCount,
      });
      if (posted) {
        result.minutes += 1;
        result.chargedMicros += cost;
      }
      meteredTo.set(row.id, start);
    }
    if (opts.enforceLimit && mustSuspend(state)) {
      result.suspendedAt = new Date(minute + MINUTE_MS);
      break;
    }
  }
  for (const [id, lastMeteredAt] of meteredTo) {
    await tx.deployment.update({ where: { id }, data: { lastMeteredAt } });
  }
  // Suspending stops every deployment of the account as of the end of the crossing minute.
  if (result.suspendedAt) await syncSuspension(tx, accountId, result.suspendedAt);
  return result;
}

// Deployments stop where the monthly spend limit cannot pay for another minute of them (SPEC §3, §8:
// spend never passes the limit). Two moments, both under the account row lock:
//   - the metering job, after charging up to now, when the minute now running would not fit in what
//     the limit leaves (stopBeforeSpendLimit) — stopped now, the partial minute not charged;
//   - a charge cut short by the limit (meter-account.ts): stopped at the end of that minute. When
//     spend has then reached the limit, the account is suspended instead (spend_limit_reached), which
//     stops them the same way.
// The owner is told which deployments stopped, what the limit leaves and what a minute costs.
import type { Prisma } from "../../db/generated/client";
import { notify } from "../../alerts/notify";
import { periodLabel } from "../../billing/period";
import { displayUsdExact, type Micros } from "../../money";
import { loadChargeState, roomUnderLimit } from "../charge";
import { deploymentMinuteCost } from "../pricing";
import { floorMinute, stopInstant } from "./timing";
import { DEPLOYED_MODEL_SELECT, deployedModelName } from "./view";

type Tx = Prisma.TransactionClient;

const LIVE = { in: ["starting" as const, "running" as const] };

/**
 * The metering job's check after charging up to `now`: when the account's running deployments'
 * next minute costs more than the limit leaves, stop them all now. Returns how many stopped.
 */
export async function stopBeforeSpendLimit(tx: Tx, accountId: string, now: Date): Promise<number> {
  const running = await tx.deployment.findMany({ where: { accountId, state: "running" }, select: { gpuType: true, gpuCount: true } });
  if (running.length === 0) return 0;
  const room = roomUnderLimit(await loadChargeState(tx, accountId, now), floorMinute(now));
  const minute = running.reduce((sum, d) => sum + deploymentMinuteCost(d.gpuType, d.gpuCount), 0n);
  if (room === null || minute <= room) return 0;
  return stopAtSpendLimit(tx, accountId, now, { leftMicros: room, minuteMicros: minute });
}

/** Stop every live deployment of the account as of `at`, saying why, and tell the owner. */
export async function stopAtSpendLimit(
  tx: Tx,
  accountId: string,
  at: Date,
  /** `period`: the limit cut short a minute of an earlier month (metered late), not this month's. */
  why: { leftMicros: Micros; minuteMicros: Micros; period?: Date },
): Promise<number> {
  const live = await tx.deployment.findMany({
    where: { accountId, state: LIVE },
    select: { id: true, gpuType: true, gpuCount: true, startedAt: true, lastMeteredAt: true, ...DEPLOYED_MODEL_SELECT },
    orderBy: { id: "asc" },
  });
  if (live.length === 0) return 0;
  const left = displayUsdExact(why.leftMicros);
  const minute = displayUsdExact(why.minuteMicros);
  const month = why.period ? `in ${periodLabel(why.period)}` : "this month";
  const reason = `spend limit: ${left} left ${month}, less than one more minute (${minute})`;
  for (const d of live) {
    // Never before a minute already charged, nor before it started.
    const stoppedAt = new Date(Math.max(stopInstant(at, d.lastMeteredAt).getTime(), d.startedAt?.getTime() ?? 0));
    await tx.deployment.update({ where: { id: d.id }, data: { state: "stopped", stoppedAt, stoppedReason: reason } });
  }
  const names = live.map((d) => `${d.id} (${deployedModelName(d)}, ${d.gpuCount}× ${d.gpuType})`).join(", ");
  await notify(tx, {
    accountId,
    kind: "deployment_stopped",
    title: live.length === 1 ? "Deployment stopped at the spend limit" : `${live.length} deployments stopped at the spend limit`,
    body:
      `Stopped: ${names}. Your monthly spend limit leaves ${left} ${month}, less than one more minute of ` +
      `${live.length === 1 ? "it" : "them"} (${minute}), so ${live.length === 1 ? "it was" : "they were"} stopped ` +
      "rather than run past the limit. Raise the spend limit (or buy credits), then start them again.",
    dedupeKey: `deployments-stopped:${accountId}:${at.toISOString()}`,
  });
  return live.length;
}

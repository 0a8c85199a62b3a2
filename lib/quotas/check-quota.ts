// The named assert behind every create and scale: does `requested` more fit under the quota?
// Call it after lockAccount/lockActiveAccount, in the transaction that then does the write.
import type { Prisma } from "../db/generated/client";
import type { CountQuotaName } from "./definitions";
import type { Refusal } from "./outcome";
import { countQuotaUsage, quotaValues } from "./usage";

type Tx = Prisma.TransactionClient;

/** "a100-gpus quota exceeded: 8 allowed, 6 in use, 4 requested" (pure, for the message and tests). */
export function quotaExceededMessage(quota: CountQuotaName, value: number, usage: number, requested: number): string {
  return (
    `${quota} quota exceeded: ${value} allowed, ${usage} in use, ${requested} requested. ` +
    `Free some up or request an increase with POST /api/v1/quota-requests.`
  );
}

export async function checkQuota(tx: Tx, accountId: string, quota: CountQuotaName, requested: number): Promise<Refusal | null> {
  if (requested <= 0) return null;
  const [values, usage] = await Promise.all([quotaValues(tx, accountId), countQuotaUsage(tx, accountId)]);
  const value = values[quota];
  const used = usage[quota];
  if (used + requested <= value) return null;
  return exceeded(quota, value, used, requested, quotaExceededMessage(quota, value, used, requested));
}

function exceeded(quota: CountQuotaName, value: number, usage: number, requested: number, message: string): Refusal {
  return { ok: false, reason: "quota_exceeded", quota, value, usage, requested, message };
}

/**
 * Would `requested` fit under the quota with nothing else in use? For sizing something that holds
 * nothing yet (a stopped deployment): beyond this it could never start.
 */
export async function checkQuotaAlone(tx: Tx, accountId: string, quota: CountQuotaName, requested: number): Promise<Refusal | null> {
  const value = (await quotaValues(tx, accountId))[quota];
  if (requested <= value) return null;
  const used = (await countQuotaUsage(tx, accountId))[quota];
  return exceeded(
    quota,
    value,
    used,
    requested,
    `${quota} quota exceeded: ${value} allowed, so a deployment of ${requested} could never start. Request an increase with POST /api/v1/quota-requests.`,
  );
}

// PUT /api/operator/accounts/{id}/quotas/{name}'s verb: an operator sets a count quota, audited.
// Setting it below current usage is allowed: what exists keeps running, new creates are refused.
import { lockAccount } from "../billing/lock-account";
import { countQuota, type CountQuotaName } from "./definitions";
import { resourceTransaction } from "./lock-account";
import { notFound, type Outcome } from "./outcome";
import { quotaValues } from "./usage";

export async function setQuotaValue(
  accountId: string,
  name: CountQuotaName,
  value: number,
  operatorId: string,
): Promise<Outcome<{ name: CountQuotaName; from: number; value: number }>> {
  const quota = countQuota(name)!;
  return resourceTransaction(async (tx) => {
    if (!(await lockAccount(tx, accountId))) return notFound("account", false);
    const from = (await quotaValues(tx, accountId))[name];
    await tx.quota.upsert({
      where: { accountId_name: { accountId, name: quota.db } },
      create: { accountId, name: quota.db, value, updatedBy: operatorId },
      update: { value, updatedBy: operatorId },
    });
    await tx.auditLog.create({ data: { accountId, actorId: operatorId, action: "quota.set", detail: { quota: name, from, to: value } } });
    return { ok: true as const, name, from, value };
  });
}

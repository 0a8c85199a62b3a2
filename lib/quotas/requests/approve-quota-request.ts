// POST /api/operator/quota-requests/{id}/approve's verb: sets the quota to the requested value (or
// leaves it where it is if an operator has meanwhile set it higher) and tells the account.
import type { Outcome } from "../outcome";
import { countQuota } from "../definitions";
import { quotaValues } from "../usage";
import { decideQuotaRequest } from "./decide-quota-request";
import type { QuotaRequestView } from "./view";

export function approveQuotaRequest(
  requestId: string,
  operatorId: string,
  note: string | null,
  now = new Date(),
): Promise<Outcome<{ request: QuotaRequestView }>> {
  return decideQuotaRequest(
    requestId,
    {
      status: "approved",
      operatorId,
      note,
      apply: async (tx, request) => {
        const quota = countQuota(request.quota);
        if (!quota) throw new Error(`quota request ${request.id} names an unknown quota ${request.quota}`);
        const from = (await quotaValues(tx, request.accountId))[quota.name];
        const to = Math.max(from, request.value);
        await tx.quota.upsert({
          where: { accountId_name: { accountId: request.accountId, name: quota.db } },
          create: { accountId: request.accountId, name: quota.db, value: to, updatedBy: operatorId },
          update: { value: to, updatedBy: operatorId },
        });
        return {
          title: `Quota increase approved: ${quota.name}`,
          body: `Your ${quota.name} quota is now ${to} (you asked for ${request.value}).${note ? ` Note from the operator: ${note}` : ""}`,
          detail: { from, to },
        };
      },
    },
    now,
  );
}

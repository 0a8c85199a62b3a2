// POST /api/v1/quota-requests's verb: the owner asks for a higher count quota, with a reason. The
// value must exceed the current one, and an account has at most one pending request per quota —
// both checked under the account lock with the insert, so two concurrent requests cannot both pass.
import { lockAccount } from "../../billing/lock-account";
import { resourceTransaction } from "../lock-account";
import { conflict, invalid, notFound, type Outcome } from "../outcome";
import type { CreateQuotaRequestInput } from "../schemas";
import { quotaValues } from "../usage";
import { QUOTA_REQUEST_SELECT, toQuotaRequestView, type QuotaRequestView } from "./view";

export async function createQuotaRequest(
  accountId: string,
  input: CreateQuotaRequestInput,
  actorId: string | null,
  now = new Date(),
): Promise<Outcome<{ request: QuotaRequestView }>> {
  return resourceTransaction(async (tx) => {
    if (!(await lockAccount(tx, accountId))) return notFound("account", false);
    const current = (await quotaValues(tx, accountId))[input.quota];
    if (input.value <= current) return invalid(`value: must be more than the current ${input.quota} quota (${current})`, "value");
    const pending = await tx.quotaRequest.findFirst({
      where: { accountId, quota: input.quota, status: "pending" },
      select: { id: true, value: true },
    });
    if (pending) {
      return conflict(
        `quota: a request to raise ${input.quota} to ${pending.value} is already pending (${pending.id}); wait for an operator's decision`,
        "quota",
      );
    }
    const row = await tx.quotaRequest.create({
      data: { accountId, quota: input.quota, value: input.value, reason: input.reason, requestedBy: actorId, createdAt: now },
      select: QUOTA_REQUEST_SELECT,
    });
    await tx.auditLog.create({
      data: {
        accountId,
        actorId,
        action: "quota_request.created",
        detail: { requestId: row.id, quota: input.quota, from: current, to: input.value },
      },
    });
    return { ok: true as const, request: toQuotaRequestView(row) };
  });
}

// POST /api/operator/quota-requests/{id}/deny's verb: records the reason and tells the account.
import type { Outcome } from "../outcome";
import { decideQuotaRequest } from "./decide-quota-request";
import type { QuotaRequestView } from "./view";

export function denyQuotaRequest(
  requestId: string,
  operatorId: string,
  reason: string,
  now = new Date(),
): Promise<Outcome<{ request: QuotaRequestView }>> {
  return decideQuotaRequest(
    requestId,
    {
      status: "denied",
      operatorId,
      note: reason,
      apply: async (_tx, request) => ({
        title: `Quota increase denied: ${request.quota}`,
        body: `Your request to raise ${request.quota} to ${request.value} was denied: ${reason}`,
        detail: {},
      }),
    },
    now,
  );
}

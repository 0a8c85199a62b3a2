// The operator's decision on a pending quota request, shared by approve and deny: flips the status
// exactly once (a second decision, or a concurrent one, gets a conflict), audits it and notifies
// the account — all in one transaction under the account lock.
import type { Prisma } from "../../db/generated/client";
import { db } from "../../db";
import type { NotificationKind } from "../../alerts/notify";
import { lockAccount } from "../../billing/lock-account";
import { resourceTransaction } from "../lock-account";
import { conflict, notFound, type Outcome } from "../outcome";
import { QUOTA_REQUEST_SELECT, toQuotaRequestView, type QuotaRequestRow, type QuotaRequestView } from "./view";

type Tx = Prisma.TransactionClient;

export interface Decision {
  status: "approved" | "denied";
  operatorId: string;
  note: string | null;
  /** The decision's effect (approve sets the quota), then the notification to send. */
  apply: (tx: Tx, request: QuotaRequestRow) => Promise<{ title: string; body: string; detail: Record<string, unknown> }>;
}

export async function decideQuotaRequest(
  requestId: string,
  decision: Decision,
  now: Date,
): Promise<Outcome<{ request: QuotaRequestView }>> {
  const found = await db().quotaRequest.findUnique({ where: { id: requestId }, select: { accountId: true } });
  if (!found) return notFound("quota request", false);
  return resourceTransaction(async (tx) => {
    await lockAccount(tx, found.accountId);
    const flipped = await tx.quotaRequest.updateMany({
      where: { id: requestId, status: "pending" },
      data: { status: decision.status, decidedBy: decision.operatorId, decidedAt: now, decisionNote: decision.note },
    });
    const row = await tx.quotaRequest.findUniqueOrThrow({ where: { id: requestId }, select: QUOTA_REQUEST_SELECT });
    if (flipped.count === 0) return conflict(`the request was already ${row.status}`);
    const effect = await decision.apply(tx, row);
    await tx.notification.createMany({
      data: [
        {
          accountId: row.accountId,
          kind: `quota_request_${decision.status}` satisfies NotificationKind,
          title: effect.title,
          body: effect.body,
          dedupeKey: `quota-request:${row.id}:${decision.status}`,
          createdAt: now,
        },
      ],
      skipDuplicates: true,
    });
    await tx.auditLog.create({
      data: {
        accountId: row.accountId,
        actorId: decision.operatorId,
        action: `quota_request.${decision.status}`,
        detail: {
          requestId: row.id,
          quota: row.quota,
          value: row.value,
          ...(decision.note ? { note: decision.note } : {}),
          ...effect.detail,
        } as Prisma.InputJsonObject,
      },
    });
    return { ok: true as const, request: toQuotaRequestView(row) };
  });
}

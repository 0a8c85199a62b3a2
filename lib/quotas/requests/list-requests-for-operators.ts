// GET /api/operator/quota-requests's verb: requests across accounts (oldest pending first, the
// queue an operator works through), with each account's name, current value and usage of the
// quota so the decision needs no second look-up.
import { db } from "../../db";
import type { QuotaRequestStatus } from "../../db/generated/enums";
import { countQuota } from "../definitions";
import { countQuotaUsage, quotaValues } from "../usage";
import { QUOTA_REQUEST_SELECT, toQuotaRequestView, type QuotaRequestView } from "./view";

export interface OperatorQuotaRequestView extends QuotaRequestView {
  account: { id: string; name: string };
  currentValue: number | null;
  usage: number | null;
}

const MAX_ROWS = 500;

export async function listRequestsForOperators(status: QuotaRequestStatus | null): Promise<OperatorQuotaRequestView[]> {
  const rows = await db().quotaRequest.findMany({
    where: status ? { status } : {},
    select: { ...QUOTA_REQUEST_SELECT, account: { select: { id: true, name: true } } },
    orderBy: { createdAt: status === "pending" ? "asc" : "desc" },
    take: MAX_ROWS,
  });
  const accountIds = [...new Set(rows.map((r) => r.accountId))];
  const facts = new Map(
    await Promise.all(
      accountIds.map(async (id) => [id, { values: await quotaValues(db(), id), usage: await countQuotaUsage(db(), id) }] as const),
    ),
  );
  return rows.map((r) => {
    const quota = countQuota(r.quota);
    const f = facts.get(r.accountId);
    return {
      ...toQuotaRequestView(r),
      account: r.account,
      currentValue: quota && f ? f.values[quota.name] : null,
      usage: quota && f ? f.usage[quota.name] : null,
    };
  });
}

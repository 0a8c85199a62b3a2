// GET /api/v1/quota-requests's verb: the account's requests, newest first.
import { db } from "../../db";
import { QUOTA_REQUEST_SELECT, toQuotaRequestView, type QuotaRequestView } from "./view";

export async function listQuotaRequests(accountId: string): Promise<QuotaRequestView[]> {
  const rows = await db().quotaRequest.findMany({ where: { accountId }, select: QUOTA_REQUEST_SELECT, orderBy: { createdAt: "desc" } });
  return rows.map(toQuotaRequestView);
}

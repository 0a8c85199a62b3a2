// A quota request as the API shows it.
import type { QuotaRequestStatus } from "../../db/generated/enums";

export const QUOTA_REQUEST_SELECT = {
  id: true,
  accountId: true,
  quota: true,
  value: true,
  reason: true,
  status: true,
  requestedBy: true,
  decidedBy: true,
  decisionNote: true,
  decidedAt: true,
  createdAt: true,
} as const;

export interface QuotaRequestRow {
  id: string;
  accountId: string;
  quota: string;
  value: number;
  reason: string;
  status: QuotaRequestStatus;
  requestedBy: string | null;
  decidedBy: string | null;
  decisionNote: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

export interface QuotaRequestView {
  id: string;
  quota: string;
  value: number;
  reason: string;
  status: QuotaRequestStatus;
  /** The operator's note on approval, or the reason for a denial. */
  decisionNote: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export function toQuotaRequestView(r: QuotaRequestRow): QuotaRequestView {
  return {
    id: r.id,
    quota: r.quota,
    value: r.value,
    reason: r.reason,
    status: r.status,
    decisionNote: r.decisionNote,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

// Store a notification for an account (budget alerts and account events), at most once per
// dedupe key — the unique key is the guarantee, so callers may call this as often as they like.
// E-mail is sent later from this table (deliver-emails.ts), never inside a money transaction.
import type { Prisma } from "../db/generated/client";

type Tx = Prisma.TransactionClient;

export type NotificationKind =
  | "budget_alert"
  | "low_credits"
  | "account_suspended"
  | "account_reactivated"
  | "deployment_stopped"
  | "fine_tuning_paused"
  | "tier_upgraded"
  | "invoice_issued"
  | "invoice_paid"
  | "invoice_failed"
  | "auto_top_up"
  | "auto_top_up_failed"
  | "quota_request_approved"
  | "quota_request_denied"
  | "member_joined"
  | "member_left"
  | "usage_credited";

export interface NewNotification {
  accountId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  dedupeKey: string;
}

/** Returns true when this call created the notification (false: it already existed). */
export async function notify(tx: Tx, n: NewNotification): Promise<boolean> {
  const res = await tx.notification.createMany({ data: [n], skipDuplicates: true });
  return res.count > 0;
}

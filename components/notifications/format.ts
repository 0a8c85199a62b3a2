// Pure helpers for notifications: what each kind is called and how it is marked, the day headings
// of the full list, and the keyset cursor of its pages (createdAt + id, the list's own order).
import type { BadgeTone } from "@/components/ui/badge";
import type { NotificationKind } from "@/lib/alerts/notify";

// Keyed by every kind the server stores, so a new kind without a label fails the typecheck.
export const NOTIFICATION_KIND: Record<NotificationKind, { label: string; tone: BadgeTone; budget?: true }> = {
  budget_alert: { label: "Budget alert", tone: "warning", budget: true },
  low_credits: { label: "Low credits", tone: "warning", budget: true },
  account_suspended: { label: "Suspended", tone: "danger" },
  account_reactivated: { label: "Reactivated", tone: "success" },
  deployment_stopped: { label: "Deployment stopped", tone: "warning" },
  fine_tuning_paused: { label: "Fine-tuning paused", tone: "warning" },
  tier_upgraded: { label: "Tier upgrade", tone: "success" },
  invoice_issued: { label: "Invoice", tone: "info" },
  invoice_paid: { label: "Invoice paid", tone: "success" },
  invoice_failed: { label: "Payment failed", tone: "danger" },
  auto_top_up: { label: "Auto top-up", tone: "info" },
  auto_top_up_failed: { label: "Auto top-up failed", tone: "danger" },
  quota_request_approved: { label: "Quota approved", tone: "success" },
  quota_request_denied: { label: "Quota denied", tone: "neutral" },
  member_joined: { label: "Member joined", tone: "info" },
  member_left: { label: "Member left", tone: "neutral" },
  usage_credited: { label: "Usage credited", tone: "info" },
};

/** A kind's label and tone; unknown kinds read as words ("some_event" → "Some event"). */
export function notificationKind(kind: string): { label: string; tone: BadgeTone; budget: boolean } {
  const known = Object.hasOwn(NOTIFICATION_KIND, kind) ? NOTIFICATION_KIND[kind as NotificationKind] : undefined;
  if (known) return { label: known.label, tone: known.tone, budget: known.budget === true };
  const words = kind.replaceAll("_", " ").trim();
  return { label: words ? words[0]!.toUpperCase() + words.slice(1) : "Notification", tone: "neutral", budget: false };
}

export const TONE_DOT: Record<BadgeTone, string> = {
  neutral: "bg-slate-400",
  info: "bg-indigo-400",
  success: "bg-emerald-500",
  warning: "bg-amber-500",
  danger: "bg-red-500",
};

export interface NotificationCursor {
  before: string;
  beforeId: string;
}

/** The page after `page` (a full page means there may be more), or undefined at the end. */
export function nextCursor(page: readonly { id: string; createdAt: string }[], pageSize: number): NotificationCursor | undefined {
  const last = page[page.length - 1];
  if (page.length < pageSize || !last) return undefined;
  return { before: last.createdAt, beforeId: last.id };
}

export function notificationsPath(limit: number, cursor?: NotificationCursor | null): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) {
    q.set("before", cursor.before);
    q.set("beforeId", cursor.beforeId);
  }
  return `/api/v1/notifications?${q.toString()}`;
}

const dayKey = (d: Date, timeZone?: string) =>
  new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone }).format(d);

/** Items (already newest first) grouped under "Today", "Yesterday" or "12 Mar 2026", in the viewer's time zone. */
export function groupByDay<T extends { createdAt: string }>(
  items: readonly T[],
  now = new Date(),
  timeZone?: string,
): { key: string; heading: string; items: T[] }[] {
  const today = dayKey(now, timeZone);
  const yesterday = dayKey(new Date(now.getTime() - 86_400_000), timeZone);
  const groups: { key: string; heading: string; items: T[] }[] = [];
  for (const item of items) {
    const at = new Date(item.createdAt);
    const key = dayKey(at, timeZone);
    let group = groups[groups.length - 1];
    if (!group || group.key !== key) {
      const heading =
        key === today
          ? "Today"
          : key === yesterday
            ? "Yesterday"
            : new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone }).format(at);
      group = { key, heading, items: [] };
      groups.push(group);
    }
    group.items.push(item);
  }
  return groups;
}

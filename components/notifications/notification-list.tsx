"use client";
// Notifications (budget alerts, suspensions, invoices, quota decisions), newest first: the items
// themselves, and the overview's few most recent.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { TAP_TARGET } from "@/components/ui/tap-target";
import { dateTime } from "@/components/account/format";
import { TONE_DOT, notificationKind } from "./format";
import { useNotifications, type Notification } from "./hooks/use-notifications";

export const EMPTY_TEXT = "No notifications yet. Budget alerts at 50 %, 80 % and 100 % of your limit appear here.";

/** The items as a list; `detailed` adds each one's kind and whether it was e-mailed. */
export function NotificationItems({
  items,
  label,
  detailed = false,
}: {
  items: readonly Notification[];
  label: string;
  detailed?: boolean;
}) {
  return (
    <ul className="divide-y divide-slate-100" aria-label={label}>
      {items.map((n) => {
        const kind = notificationKind(n.kind);
        return (
          <li key={n.id} className="flex gap-3 py-2.5" data-testid={detailed ? `notification-${n.kind}` : undefined}>
            <span aria-hidden="true" className={`mt-1.5 size-2 shrink-0 rounded-full ${TONE_DOT[kind.tone]}`} />
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
                <p className="text-sm font-medium text-slate-900">{n.title}</p>
                {detailed && <Badge tone={kind.tone}>{kind.label}</Badge>}
              </div>
              {n.body && <p className="text-sm break-words text-slate-600">{n.body}</p>}
              <p className="text-xs text-slate-500">
                <time dateTime={n.createdAt}>{dateTime(n.createdAt)}</time>
                {detailed && n.emailed && <span> · e-mailed</span>}
              </p>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function NotificationList({ initial, limit = 5 }: { initial: Notification[]; limit?: number }) {
  const { data } = useNotifications({ limit, initialData: { notifications: initial } });
  const items = data?.notifications ?? [];
  if (items.length === 0) return <p className="text-sm text-slate-500">{EMPTY_TEXT}</p>;
  return (
    <div>
      <NotificationItems items={items} label="Recent notifications" />
      <Link href="/notifications" className={`mt-2 inline-block text-sm font-medium text-indigo-700 hover:underline ${TAP_TARGET}`}>
        All notifications
      </Link>
    </div>
  );
}

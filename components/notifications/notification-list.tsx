"use client";
// Recent notifications (budget alerts, suspensions, quota decisions), newest first.
import { dateTime } from "@/components/account/format";
import { useNotifications, type Notification } from "./hooks/use-notifications";

const KIND_DOT: Record<string, string> = {
  account_suspended: "bg-red-500",
  account_reactivated: "bg-emerald-500",
};

export function NotificationList({ initial, limit = 5 }: { initial: Notification[]; limit?: number }) {
  const { data } = useNotifications({ limit, initialData: { notifications: initial } });
  const items = data?.notifications ?? [];
  if (items.length === 0)
    return <p className="text-sm text-slate-500">No notifications yet. Budget alerts at 50 %, 80 % and 100 % of your limit appear here.</p>;
  return (
    <ul className="divide-y divide-slate-100" aria-label="Recent notifications">
      {items.map((n) => (
        <li key={n.id} className="flex gap-3 py-2.5">
          <span aria-hidden="true" className={`mt-1.5 size-2 shrink-0 rounded-full ${KIND_DOT[n.kind] ?? "bg-indigo-400"}`} />
          <div className="min-w-0">
            <p className="text-sm font-medium text-slate-900">{n.title}</p>
            {n.body && <p className="text-sm text-slate-600">{n.body}</p>}
            <p className="text-xs text-slate-500">
              <time dateTime={n.createdAt}>{dateTime(n.createdAt)}</time>
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

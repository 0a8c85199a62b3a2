"use client";
// The notifications page's list: every notification, newest first, under day headings, loaded a
// page at a time ("Show older"), refreshed in the background.
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { groupByDay } from "./format";
import { useNotificationPages, type Notification } from "./hooks/use-notifications";
import { EMPTY_TEXT, NotificationItems } from "./notification-list";

export function NotificationFeed({ initial, pageSize }: { initial: Notification[]; pageSize: number }) {
  const query = useNotificationPages({ pageSize, initialData: { notifications: initial } });
  const items = query.data?.pages.flatMap((p) => p.notifications) ?? initial;
  if (items.length === 0) return <p className="text-sm text-slate-500">{EMPTY_TEXT}</p>;
  return (
    <div className="space-y-5">
      {groupByDay(items).map((group) => (
        <section key={group.key} aria-labelledby={`day-${group.key}`}>
          <h2 id={`day-${group.key}`} className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
            {group.heading}
          </h2>
          <NotificationItems items={group.items} label={`Notifications of ${group.heading}`} detailed />
        </section>
      ))}
      {query.isFetchNextPageError && <Alert tone="error">{query.error?.message ?? "Could not load older notifications."}</Alert>}
      {query.hasNextPage ? (
        <Button type="button" variant="secondary" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>
          {query.isFetchingNextPage ? "Loading…" : "Show older"}
        </Button>
      ) : (
        <p className="text-xs text-slate-500">That is every notification of this account.</p>
      )}
    </div>
  );
}

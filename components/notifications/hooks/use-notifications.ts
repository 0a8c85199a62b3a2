"use client";
// GET /api/v1/notifications — budget alerts and account events, newest first: the few most recent
// (overview), or the whole list page by page (the notifications page).
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { NotificationView } from "@/lib/alerts/list-notifications";
import { api } from "@/components/console/api";
import { nextCursor, notificationsPath, type NotificationCursor } from "../format";

export type Notification = NotificationView;
type Page = { notifications: Notification[] };

export function useNotifications(opts: { limit?: number; initialData?: Page } = {}) {
  const limit = opts.limit ?? 5;
  return useQuery({
    queryKey: ["notifications", limit],
    queryFn: ({ signal }) => api<Page>(notificationsPath(limit), { signal }),
    initialData: opts.initialData,
    refetchInterval: 30_000,
  });
}

/** Every notification, `pageSize` at a time (keyset pages, so none is skipped or shown twice). */
export function useNotificationPages(opts: { pageSize?: number; initialData?: Page } = {}) {
  const pageSize = opts.pageSize ?? 50;
  return useInfiniteQuery({
    queryKey: ["notifications", "pages", pageSize],
    queryFn: ({ pageParam, signal }) => api<Page>(notificationsPath(pageSize, pageParam), { signal }),
    initialPageParam: null as NotificationCursor | null,
    getNextPageParam: (last) => nextCursor(last.notifications, pageSize),
    initialData: opts.initialData ? { pages: [opts.initialData], pageParams: [null] } : undefined,
    refetchInterval: 30_000,
  });
}

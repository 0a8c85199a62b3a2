"use client";
// GET /api/v1/notifications — budget alerts and account events, newest first.
import { useQuery } from "@tanstack/react-query";
import type { NotificationView } from "@/lib/alerts/list-notifications";
import { api } from "@/components/console/api";

export type Notification = NotificationView;

export function useNotifications(opts: { limit?: number; initialData?: { notifications: Notification[] } } = {}) {
  const limit = opts.limit ?? 5;
  return useQuery({
    queryKey: ["notifications", limit],
    queryFn: ({ signal }) => api<{ notifications: Notification[] }>(`/api/v1/notifications?limit=${limit}`, { signal }),
    initialData: opts.initialData,
    refetchInterval: 30_000,
  });
}

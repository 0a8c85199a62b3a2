// /notifications — every budget alert and account event of the account, newest first.
import type { Metadata } from "next";
import { listNotifications } from "@/lib/alerts/list-notifications";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { NotificationFeed } from "@/components/notifications/notification-feed";
import { consoleCaller } from "../_lib/console-caller";

export const metadata: Metadata = { title: "Notifications" };

const PAGE_SIZE = 50;

export default async function NotificationsPage() {
  const caller = await consoleCaller();
  const notifications = await listNotifications(caller.accountId, { limit: PAGE_SIZE });
  return (
    <div className="space-y-6">
      <PageHeader
        title="Notifications"
        description="Budget alerts (50 %, 80 % and 100 % of your spend limit, low credits) and account events: suspensions, invoices, tier upgrades, quota decisions. Owners also get them by e-mail when it is configured."
      />
      <Card>
        <NotificationFeed initial={notifications} pageSize={PAGE_SIZE} />
      </Card>
    </div>
  );
}

// / — overview: tier, status (the banner is in the layout), credits, spend this month vs limit,
// reset date, recent notifications. Server-rendered first paint; live afterwards.
import type { Metadata } from "next";
import { getAccountSummary } from "@/lib/billing/get-account-summary";
import { listNotifications } from "@/lib/alerts/list-notifications";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { Overview } from "@/components/account/overview";
import { NotificationList } from "@/components/notifications/notification-list";
import { consoleCaller } from "./_lib/console-caller";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const caller = await consoleCaller();
  const [account, notifications] = await Promise.all([
    getAccountSummary(caller.accountId),
    listNotifications(caller.accountId, { limit: 5 }),
  ]);
  if (!account) return <Alert tone="error">Account not found.</Alert>;
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">{account.name}</h1>
        <p className="text-sm text-slate-600">Overview of this month</p>
      </header>
      <Overview initial={account} />
      <Card title="Recent notifications">
        <NotificationList initial={notifications} />
      </Card>
    </div>
  );
}

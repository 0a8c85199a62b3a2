// Console shell: navigation, account name, sign-out, and the live suspension banner above every
// page. Every page below needs a signed-in user with an account (operators without one go to /operator).
import { db } from "@/lib/db";
import { getAccountSummary } from "@/lib/billing/get-account-summary";
import { ConsoleNav } from "@/components/console/console-nav";
import { SuspensionBanner } from "@/components/account/suspension-banner";
import { consoleCaller } from "./_lib/console-caller";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const caller = await consoleCaller();
  const [summary, user] = await Promise.all([
    getAccountSummary(caller.accountId),
    caller.userId ? db().user.findUnique({ where: { id: caller.userId }, select: { email: true } }) : null,
  ]);
  return (
    <div className="min-h-screen md:flex">
      <ConsoleNav accountName={summary?.name ?? ""} email={user?.email ?? ""} role={caller.role} isOperator={caller.isOperator} />
      <main id="main" className="min-w-0 flex-1 px-4 py-6 md:px-8">
        <div className="mx-auto max-w-5xl">
          {summary && <SuspensionBanner initial={summary} />}
          {children}
        </div>
      </main>
    </div>
  );
}

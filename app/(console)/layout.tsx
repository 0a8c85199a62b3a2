// Console shell: navigation, account name, sign-out. Every page below needs a signed-in user.
import { db } from "@/lib/db";
import { requireCaller } from "@/lib/auth/current-caller";
import { ConsoleNav } from "@/components/console/console-nav";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const caller = await requireCaller();
  const [account, user] = await Promise.all([
    db().account.findUnique({ where: { id: caller.accountId }, select: { name: true } }),
    caller.userId ? db().user.findUnique({ where: { id: caller.userId }, select: { email: true } }) : null,
  ]);
  return (
    <div className="min-h-screen md:flex">
      <ConsoleNav accountName={account?.name ?? ""} email={user?.email ?? ""} role={caller.role} isOperator={caller.isOperator} />
      <main id="main" className="flex-1 px-4 py-6 md:px-8">
        <div className="mx-auto max-w-5xl">{children}</div>
      </main>
    </div>
  );
}

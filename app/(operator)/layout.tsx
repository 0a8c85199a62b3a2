// Operator console shell: only operators get here (others get a 404); the same navigation as the
// account console, with the operator section.
import { ConsoleNav } from "@/components/console/console-nav";
import { operatorUser } from "./_lib/operator-user";

export const dynamic = "force-dynamic";

export default async function OperatorLayout({ children }: { children: React.ReactNode }) {
  const user = await operatorUser();
  return (
    <div className="min-h-screen md:flex">
      <ConsoleNav accountName="Operator console" email={user.email} role="operator" isOperator hasAccount={user.hasAccount} />
      <main id="main" className="min-w-0 flex-1 px-4 py-6 md:px-8">
        <div className="mx-auto max-w-5xl">{children}</div>
      </main>
    </div>
  );
}

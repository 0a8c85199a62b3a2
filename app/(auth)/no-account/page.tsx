// /no-account — a signed-in user who belongs to no account (they left it, or were removed): say so,
// and let them open an account of their own or sign out. Sign-in sends them here, not back to itself.
import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { NoAccount } from "@/components/auth/no-account";
import { callerFromSession, sessionUser } from "@/lib/http/caller";

export const metadata: Metadata = { title: "No account" };

export default async function NoAccountPage() {
  const h = await headers();
  const req = new Request("http://console.local/", { headers: { cookie: h.get("cookie") ?? "" } });
  if (await callerFromSession(req)) redirect("/");
  const user = await sessionUser(req);
  if (!user) redirect("/signin");
  if (user.isOperator) redirect("/operator");
  return <NoAccount email={user.email} />;
}

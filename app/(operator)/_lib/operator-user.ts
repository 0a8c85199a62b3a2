// The signed-in operator of an operator page. Anyone else gets a 404: the operator console does
// not admit it exists to non-operators (signed-out visitors are sent to sign-in by proxy.ts).
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { callerFromSession, sessionUser, type SessionUser } from "@/lib/http/caller";

export const operatorUser = cache(async (): Promise<SessionUser & { hasAccount: boolean }> => {
  const h = await headers();
  const req = new Request("http://console.local/", { headers: { cookie: h.get("cookie") ?? "" } });
  const user = await sessionUser(req);
  if (!user) redirect("/signin");
  if (!user.isOperator) notFound();
  return { ...user, hasAccount: (await callerFromSession(req)) !== null };
});

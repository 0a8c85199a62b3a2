// The signed-in caller of a console page, resolved once per request (layout and page share it).
// A signed-in operator without an account of their own belongs in the operator console; any other
// signed-in user without one, on /no-account.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { callerFromSession, sessionUser, type Caller } from "@/lib/http/caller";

export const consoleCaller = cache(async (): Promise<Caller> => {
  const h = await headers();
  const req = new Request("http://console.local/", { headers: { cookie: h.get("cookie") ?? "" } });
  const caller = await callerFromSession(req);
  if (caller) return caller;
  const user = await sessionUser(req);
  // Signed in but in no account (left it, or removed): /no-account says so; sign-in would loop.
  redirect(user ? (user.isOperator ? "/operator" : "/no-account") : "/signin");
});

/** Owners (and operators acting on an account) may change billing settings; members only look. */
export function canManage(caller: Caller): boolean {
  return caller.role === "owner" || caller.isOperator;
}

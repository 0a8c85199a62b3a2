// For console pages (server components): the signed-in caller, or a redirect to sign-in.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { callerFromSession, type Caller } from "../http/caller";

export async function requireCaller(): Promise<Caller> {
  const h = await headers();
  const caller = await callerFromSession(new Request("http://console.local/", { headers: { cookie: h.get("cookie") ?? "" } }));
  if (!caller) redirect("/signin");
  return caller;
}

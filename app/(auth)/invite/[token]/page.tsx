// /invite/{token} — an invitation link: which account, which role, from whom, until when; then the
// one action that fits the visitor (accept, sign in as the invited e-mail, choose a password, or
// sign out of another user). Public: the invitee may have no sign-in yet.
import type { Metadata } from "next";
import { headers } from "next/headers";
import { findInvitation, invitationOffer } from "@/lib/accounts/invitations";
import { sessionUser } from "@/lib/http/caller";
import { InviteAccept, InviteInvalid } from "@/components/members/invite-accept";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const h = await headers();
  const req = new Request("http://invite.local/", { headers: { cookie: h.get("cookie") ?? "" } });
  const [found, visitor] = await Promise.all([findInvitation(token), sessionUser(req)]);
  if (!found.ok) return <InviteInvalid message={found.message} signedIn={visitor !== null} />;
  return <InviteAccept token={token} invitation={invitationOffer(found)} visitorEmail={visitor?.email ?? null} />;
}

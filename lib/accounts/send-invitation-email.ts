// The invitation e-mail, when SMTP is configured (otherwise the owner passes the link on). Best
// effort: the invitation exists either way, and the answer says whether it was e-mailed.
import { db } from "../db";
import { currentMailer } from "../alerts/mailer";
import { errorSummary, log } from "../log";
import type { InvitationView } from "./invitations";

export async function sendInvitationEmail(accountId: string, invitation: InvitationView, acceptUrl: string): Promise<boolean> {
  const mailer = currentMailer();
  if (!mailer) return false;
  const account = await db().account.findUnique({ where: { id: accountId }, select: { name: true } });
  const by = invitation.invitedBy ? `${invitation.invitedBy} invited you` : "You are invited";
  try {
    await mailer.send({
      to: [invitation.email],
      subject: `[Headroom] Join ${account?.name ?? "an account"}`,
      text:
        `${by} to join the Headroom account "${account?.name ?? ""}" as ${invitation.role === "owner" ? "an owner" : "a member"}.\n\n` +
        `Accept: ${acceptUrl}\n\nThe link works once and expires on ${invitation.expiresAt.slice(0, 10)}.`,
    });
    return true;
  } catch (err) {
    log.warn("invitation e-mail not sent", { invitationId: invitation.id, error: errorSummary(err) });
    return false;
  }
}

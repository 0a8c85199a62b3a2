// The account's people and its pending invitations (GET /api/v1/members): every member sees them.
import { db } from "../db";
import { pendingInvitations, type InvitationView } from "./invitations";

export interface MemberView {
  userId: string;
  email: string;
  name: string | null;
  role: "owner" | "member";
  since: string;
  /** The caller. */
  you: boolean;
}

export async function listMembers(
  accountId: string,
  callerUserId: string | null,
): Promise<{ members: MemberView[]; invitations: InvitationView[] }> {
  const [rows, invitations] = await Promise.all([
    db().membership.findMany({
      where: { accountId },
      orderBy: { createdAt: "asc" },
      select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
    }),
    pendingInvitations(accountId),
  ]);
  const members = rows.map((m) => ({
    userId: m.user.id,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    since: m.createdAt.toISOString(),
    you: m.user.id === callerUserId,
  }));
  return { members, invitations };
}

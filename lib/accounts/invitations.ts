// Reading invitations: the pending ones of an account (for its members) and one by its link's
// token (for the person it was sent to).
import { db } from "../db";
import type { Role } from "../db/generated/enums";
import { invitationTokenHash } from "./invitation-token";

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}

type Row = { id: string; email: string; role: Role; invitedById: string | null; createdAt: Date; expiresAt: Date };

/** The inviters' e-mails, one query for any number of invitations. */
export async function invitationViews(rows: Row[]): Promise<InvitationView[]> {
  const ids = [...new Set(rows.map((r) => r.invitedById).filter((id): id is string => id !== null))];
  const users = ids.length ? await db().user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } }) : [];
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    invitedBy: r.invitedById ? (emailOf.get(r.invitedById) ?? null) : null,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  }));
}

export const INVITATION_ROW = { id: true, email: true, role: true, invitedById: true, createdAt: true, expiresAt: true } as const;

/** Invitations that can still be accepted, newest first. */
export async function pendingInvitations(accountId: string, now = new Date()): Promise<InvitationView[]> {
  const rows = await db().invitation.findMany({
    where: { accountId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: INVITATION_ROW,
  });
  return invitationViews(rows);
}

export type InvitationLookup =
  | {
      ok: true;
      id: string;
      accountId: string;
      accountName: string;
      email: string;
      role: Role;
      invitedBy: string | null;
      expiresAt: Date;
      /** A user with the invited e-mail exists (they sign in to accept; otherwise they choose a password). */
      userExists: boolean;
    }
  | { ok: false; message: string };

/** What a link offers its holder (GET /api/invitations/{token} and the invitation page). */
export interface InvitationOffer {
  accountName: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  expiresAt: string;
  userExists: boolean;
}

export function invitationOffer(found: Extract<InvitationLookup, { ok: true }>): InvitationOffer {
  return {
    accountName: found.accountName,
    email: found.email,
    role: found.role,
    invitedBy: found.invitedBy,
    expiresAt: found.expiresAt.toISOString(),
    userExists: found.userExists,
  };
}

const NOT_VALID = "This invitation link is not valid: it was revoked, replaced by a newer one, or never existed.";

/** The invitation behind a link, if it can still be accepted; otherwise why not, in words for its holder. */
export async function findInvitation(token: string, now = new Date()): Promise<InvitationLookup> {
  const tokenHash = invitationTokenHash(token);
  if (!tokenHash) return { ok: false, message: NOT_VALID };
  const row = await db().invitation.findUnique({
    where: { tokenHash },
    select: { ...INVITATION_ROW, accountId: true, acceptedAt: true, revokedAt: true, account: { select: { name: true } } },
  });
  if (!row || row.revokedAt) return { ok: false, message: NOT_VALID };
  if (row.acceptedAt) return { ok: false, message: "This invitation has already been accepted. Sign in to use the account." };
  if (row.expiresAt <= now) {
    return {
      ok: false,
      message: `This invitation expired on ${row.expiresAt.toISOString().slice(0, 10)}; ask the account's owner for a new one.`,
    };
  }
  const [[view], users] = await Promise.all([invitationViews([row]), db().user.count({ where: { email: row.email } })]);
  return {
    ok: true,
    id: row.id,
    accountId: row.accountId,
    accountName: row.account.name,
    email: row.email,
    role: row.role,
    invitedBy: view!.invitedBy,
    expiresAt: row.expiresAt,
    userExists: users > 0,
  };
}

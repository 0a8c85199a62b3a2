// Add a user to an account (owner only): an existing user by e-mail, or a new one with an initial
// password.
import { db } from "../db";
import { hashPassword } from "../auth/password";
import type { AddMemberInput } from "./schemas";

export type AddMemberResult =
  { ok: true; userId: string; role: "owner" | "member" } | { ok: false; reason: "password_required" | "already_member"; message: string };

export async function addMember(accountId: string, input: AddMemberInput, actorId: string | null): Promise<AddMemberResult> {
  let user = await db().user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (!user) {
    if (!input.password) return { ok: false, reason: "password_required", message: "password: required to create a new user" };
    user = await db().user.create({ data: { email: input.email, passwordHash: await hashPassword(input.password) }, select: { id: true } });
  }
  const existing = await db().membership.findUnique({ where: { userId_accountId: { userId: user.id, accountId } } });
  if (existing) return { ok: false, reason: "already_member", message: "email: this user is already a member of the account" };
  await db().membership.create({ data: { userId: user.id, accountId, role: input.role } });
  await db().auditLog.create({ data: { accountId, actorId, action: "member.added", detail: { userId: user.id, role: input.role } } });
  return { ok: true, userId: user.id, role: input.role };
}

export async function listMembers(accountId: string) {
  const rows = await db().membership.findMany({
    where: { accountId },
    orderBy: { createdAt: "asc" },
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  return rows.map((m) => ({ userId: m.user.id, email: m.user.email, name: m.user.name, role: m.role, since: m.createdAt.toISOString() }));
}

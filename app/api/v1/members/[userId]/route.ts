// PATCH/DELETE /api/v1/members/{userId} — owners change a member's role or remove them; anyone may leave.
import { removeMember, setMemberRole, type MembershipChange } from "@/lib/accounts/change-membership";
import { setMemberRoleSchema } from "@/lib/accounts/schemas";
import { AppError } from "@/lib/http/errors";
import { json, noBody, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { otherMethods } from "@/lib/http/fallbacks";

/** `param` names the body's field where there is one (PATCH's role; DELETE has no body). */
function refused(result: Extract<MembershipChange, { ok: false }>, param?: "role"): AppError {
  if (result.reason === "not_member") return new AppError("not_found", result.message);
  return new AppError("conflict", result.message, { param });
}

export const PATCH = withAccount(
  async ({ req, params, caller }) => {
    const { role } = await readJson(req, setMemberRoleSchema);
    const result = await setMemberRole(caller.accountId, params.userId ?? "", role, caller.userId);
    if (!result.ok) throw refused(result, "role");
    return json({ member: { userId: params.userId, role: result.role } });
  },
  { role: "owner" },
);

export const DELETE = withAccount(async ({ req, params, caller }) => {
  await readJson(req, noBody);
  const userId = params.userId ?? "";
  if (caller.role !== "owner" && !caller.isOperator && userId !== caller.userId) {
    throw new AppError("forbidden", "Only the account's owner can remove other members.");
  }
  const result = await removeMember(caller.accountId, userId, caller.userId);
  if (!result.ok) throw refused(result);
  return json({ userId, removed: true, revokedApiKeys: result.revokedKeys });
});

const other = otherMethods({ PATCH, DELETE });
export { other as GET, other as POST, other as PUT, other as HEAD, other as OPTIONS };

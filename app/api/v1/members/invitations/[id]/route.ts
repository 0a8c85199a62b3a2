// DELETE /api/v1/members/invitations/{id} — an owner withdraws a pending invitation; its link stops working.
import { revokeInvitation } from "@/lib/accounts/revoke-invitation";
import { AppError } from "@/lib/http/errors";
import { json, noBody, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { otherMethods } from "@/lib/http/fallbacks";

export const DELETE = withAccount(
  async ({ req, params, caller }) => {
    await readJson(req, noBody);
    if (!(await revokeInvitation(caller.accountId, params.id ?? "", caller.userId))) {
      throw new AppError("not_found", "No pending invitation with this id in this account.");
    }
    return json({ id: params.id, revoked: true });
  },
  { role: "owner" },
);

const other = otherMethods({ DELETE });
export { other as GET, other as POST, other as PUT, other as PATCH, other as HEAD, other as OPTIONS };

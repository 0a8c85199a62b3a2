// GET /api/invitations/{token} — what an invitation link offers, for the person holding it.
import { findInvitation, invitationOffer } from "@/lib/accounts/invitations";
import { AppError } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { withPublic } from "@/lib/http/wrappers";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withPublic(async ({ params }) => {
  const found = await findInvitation(params.token ?? "");
  if (!found.ok) throw new AppError("not_found", found.message);
  return json(invitationOffer(found));
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

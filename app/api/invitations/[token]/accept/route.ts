// POST /api/invitations/{token}/accept — join the account: signed in as the invited e-mail, or with a
// password for a new user. The joined account becomes the one the console shows.
import { acceptInvitation } from "@/lib/accounts/accept-invitation";
import { acceptInvitationSchema } from "@/lib/accounts/schemas";
import { accountCookie } from "@/lib/accounts/user-accounts";
import { sessionUser } from "@/lib/http/caller";
import { AppError, badRequest } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { assertSameOrigin, withPublic } from "@/lib/http/wrappers";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withPublic(async ({ req, params }) => {
  const user = await sessionUser(req);
  // With a session the browser sends cookies on its own: refuse other sites' forms (CSRF).
  if (user || req.headers.get("origin")) assertSameOrigin(req);
  const input = await readJson(req, acceptInvitationSchema);
  const result = await acceptInvitation(params.token ?? "", user ? { userId: user.userId, email: user.email } : null, input);
  if (!result.ok) {
    if (result.reason === "invalid") throw new AppError("not_found", result.message);
    if (result.reason === "wrong_user") throw new AppError("forbidden", result.message);
    if (result.reason === "sign_in_required") throw new AppError("sign_in_required", result.message);
    throw badRequest(result.message, "password");
  }
  const res = json({ accountId: result.accountId, role: result.role, created: result.created }, result.created ? 201 : 200);
  if (user) res.headers.append("set-cookie", accountCookie(result.accountId, new URL(req.url).protocol === "https:"));
  return res;
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

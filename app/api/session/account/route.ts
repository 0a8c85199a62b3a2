// POST /api/session/account — choose which of the user's accounts the console shows.
import { accountCookie, chosenMembership } from "@/lib/accounts/user-accounts";
import { selectAccountSchema } from "@/lib/accounts/schemas";
import { AppError } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withUser } from "@/lib/http/wrappers";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withUser(async ({ req, caller }) => {
  const { accountId } = await readJson(req, selectAccountSchema);
  const membership = await chosenMembership(caller.userId, accountId);
  if (membership?.accountId !== accountId) throw new AppError("not_found", "accountId: you are not a member of that account.");
  const res = json({ accountId });
  res.headers.append("set-cookie", accountCookie(accountId, new URL(req.url).protocol === "https:"));
  return res;
});

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

// GET /api/session/accounts — the signed-in user's accounts, and which one the console shows.
// POST — a user who belongs to no account opens one of their own ({accountName}); it becomes the
// account the console shows. 409 when they have one.
import { createOwnAccountSchema } from "@/lib/accounts/schemas";
import { createOwnAccount } from "@/lib/accounts/create-own-account";
import { accountCookie, currentAccount, userAccounts } from "@/lib/accounts/user-accounts";
import { chosenAccountId } from "@/lib/http/caller";
import { AppError } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withUser } from "@/lib/http/wrappers";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withUser(async ({ req, caller }) => {
  const accounts = await userAccounts(caller.userId);
  const current = currentAccount(accounts, chosenAccountId(req));
  return json({ accounts: accounts.map((a) => ({ ...a, current: a.accountId === current?.accountId })) });
});

export const POST = withUser(async ({ req, caller }) => {
  const { accountName } = await readJson(req, createOwnAccountSchema);
  const created = await createOwnAccount(caller.userId, accountName);
  if (!created.ok) throw new AppError("conflict", "You already belong to an account: switch to it, or ask its owner to invite others.");
  const res = json({ accountId: created.accountId }, 201);
  res.headers.append("set-cookie", accountCookie(created.accountId, new URL(req.url).protocol === "https:"));
  return res;
});

const other = otherMethods({ GET, POST });
export { other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

// GET /api/session/accounts — the signed-in user's accounts, and which one the console shows.
import { currentAccount, userAccounts } from "@/lib/accounts/user-accounts";
import { chosenAccountId } from "@/lib/http/caller";
import { json } from "@/lib/http/json";
import { withUser } from "@/lib/http/wrappers";

export const GET = withUser(async ({ req, caller }) => {
  const accounts = await userAccounts(caller.userId);
  const current = currentAccount(accounts, chosenAccountId(req));
  return json({ accounts: accounts.map((a) => ({ ...a, current: a.accountId === current?.accountId })) });
});

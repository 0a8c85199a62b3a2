// GET /api/operator/accounts?q= — operators find accounts by id, name or member e-mail.
import { json } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { findAccounts } from "@/lib/billing/find-accounts";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withOperator(async ({ req }) => {
  const q = new URL(req.url).searchParams.get("q") ?? "";
  return json({ accounts: await findAccounts(q) });
});

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

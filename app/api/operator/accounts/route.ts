// GET /api/operator/accounts?q= — operators find accounts by id, name or member e-mail.
import { json } from "@/lib/http/json";
import { withOperator } from "@/lib/http/wrappers";
import { findAccounts } from "@/lib/billing/find-accounts";

export const GET = withOperator(async ({ req }) => {
  const q = new URL(req.url).searchParams.get("q") ?? "";
  return json({ accounts: await findAccounts(q) });
});

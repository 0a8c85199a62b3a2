// GET /api/v1/invoices — the account's invoices, newest month first, with status and amounts (SPEC §13).
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { listInvoices } from "@/lib/billing/list-invoices";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => json({ invoices: await listInvoices(caller.accountId) }));

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

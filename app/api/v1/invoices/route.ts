// GET /api/v1/invoices — the account's invoices, newest month first, with status and amounts (SPEC §13).
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { listInvoices } from "@/lib/billing/list-invoices";

export const GET = withAccount(async ({ caller }) => json({ invoices: await listInvoices(caller.accountId) }));

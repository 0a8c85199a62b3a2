// GET /api/v1/payment-methods — the account's saved cards (brand, last 4, expiry, default first).
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { listPaymentMethods } from "@/lib/payments/payment-methods";

export const GET = withAccount(async ({ caller }) => json({ paymentMethods: await listPaymentMethods(caller.accountId) }));

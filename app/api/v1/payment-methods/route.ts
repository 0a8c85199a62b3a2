// GET /api/v1/payment-methods — the account's saved cards (brand, last 4, expiry, default first).
import { json } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { listPaymentMethods } from "@/lib/payments/payment-methods";
import { otherMethods } from "@/lib/http/fallbacks";

export const GET = withAccount(async ({ caller }) => json({ paymentMethods: await listPaymentMethods(caller.accountId) }));

const other = otherMethods({ GET });
export { other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };

// POST /api/v1/credits/checkout — owner: a Stripe Checkout page to buy {amountUsd} of credits → {url, sessionId}.
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { json, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { consoleBaseUrl, createCreditsCheckout } from "@/lib/payments/checkout";
import { withStripeErrors } from "@/lib/payments/errors";
import { creditCheckoutSchema } from "@/lib/payments/schemas";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withAccount(
  async ({ req, caller }) => {
    const { amountUsd } = await readJson(req, creditCheckoutSchema);
    const result = await withStripeErrors(() =>
      createCreditsCheckout({ accountId: caller.accountId, amountMicros: amountUsd, baseUrl: consoleBaseUrl(req, env().NEXTAUTH_URL) }),
    );
    if (!result.ok) {
      throw result.reason === "invalid_amount"
        ? new AppError("invalid_request_error", result.message, { param: "amountUsd" })
        : new AppError("not_found", result.message);
    }
    return json({ url: result.url, sessionId: result.sessionId });
  },
  { role: "owner" },
);

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

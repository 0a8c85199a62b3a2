// POST /api/v1/payment-methods/setup — owner: a Stripe Checkout page (setup mode) to save a card → {url, sessionId}.
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { json, noBody, readJson } from "@/lib/http/json";
import { withAccount } from "@/lib/http/wrappers";
import { consoleBaseUrl, createSetupCheckout } from "@/lib/payments/checkout";
import { withStripeErrors } from "@/lib/payments/errors";
import { otherMethods } from "@/lib/http/fallbacks";

export const POST = withAccount(
  async ({ req, caller }) => {
    await readJson(req, noBody);
    const result = await withStripeErrors(() =>
      createSetupCheckout({ accountId: caller.accountId, baseUrl: consoleBaseUrl(req, env().NEXTAUTH_URL) }),
    );
    if (!result.ok) throw new AppError("not_found", result.message);
    return json({ url: result.url, sessionId: result.sessionId });
  },
  { role: "owner" },
);

const other = otherMethods({ POST });
export { other as GET, other as PUT, other as PATCH, other as DELETE, other as HEAD, other as OPTIONS };

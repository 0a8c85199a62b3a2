// API keys: any test-mode secret or restricted key (`sk_test_…`, `rk_test_…`), sent as
// `Authorization: Bearer <key>` or as the Basic-auth user name (`curl -u sk_test_…:`).
import { authenticationError, type StripeApiError } from "../core/errors";

const TEST_KEY = /^(sk|rk)_test_[A-Za-z0-9_]+$/;

function mask(key: string): string {
  return key.length <= 12 ? `${key.slice(0, 3)}********` : `${key.slice(0, 8)}${"*".repeat(Math.max(4, key.length - 12))}${key.slice(-4)}`;
}

export function authenticate(header: string | undefined): { ok: true; apiKey: string } | { ok: false; error: StripeApiError } {
  let key: string | undefined;
  if (header?.startsWith("Bearer ")) key = header.slice(7).trim();
  else if (header?.startsWith("Basic ")) key = Buffer.from(header.slice(6).trim(), "base64").toString("utf8").split(":")[0];
  if (!key) {
    return {
      ok: false,
      error: authenticationError(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      ),
    };
  }
  if (!TEST_KEY.test(key)) {
    return {
      ok: false,
      error: authenticationError(`Invalid API Key provided: ${mask(key)} (the Stripe emulator accepts test-mode keys only: sk_test_…)`),
    };
  }
  return { ok: true, apiKey: key };
}

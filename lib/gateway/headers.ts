// The §7 rate-limit headers, from a limiter view.
import type { LimitView } from "../limits";

export function rateLimitHeaders(view: LimitView, overLimit = view.overLimit): Record<string, string> {
  return {
    "x-ratelimit-limit-requests": String(Math.floor(view.limits.requests)),
    "x-ratelimit-limit-tokens-prompt": String(Math.floor(view.limits.tokensPrompt)),
    "x-ratelimit-limit-tokens-generated": String(Math.floor(view.limits.tokensGenerated)),
    "x-ratelimit-remaining-requests": String(Math.max(0, Math.floor(view.remaining.requests))),
    "x-ratelimit-remaining-tokens-prompt": String(Math.max(0, Math.floor(view.remaining.tokensPrompt))),
    "x-ratelimit-remaining-tokens-generated": String(Math.max(0, Math.floor(view.remaining.tokensGenerated))),
    "x-ratelimit-over-limit": overLimit ? "yes" : "no",
  };
}

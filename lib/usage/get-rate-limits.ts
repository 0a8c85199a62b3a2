// GET /api/v1/rate-limits's verb: per model, the account's current dynamic limits and headroom —
// the same numbers the x-ratelimit-* headers carry.
import { gateway } from "../gateway/context";
import { limitKey } from "../limits";

export interface RateLimitView {
  model: string;
  limits: { requests: number; tokensPrompt: number; tokensGenerated: number };
  remaining: { requests: number; tokensPrompt: number; tokensGenerated: number };
  overLimit: boolean;
  sustainedMinutes: number;
}

const whole = (v: { requests: number; tokensPrompt: number; tokensGenerated: number }) => ({
  requests: Math.max(0, Math.floor(v.requests)),
  tokensPrompt: Math.max(0, Math.floor(v.tokensPrompt)),
  tokensGenerated: Math.max(0, Math.floor(v.tokensGenerated)),
});

export async function getRateLimits(accountId: string, now = Date.now()): Promise<RateLimitView[]> {
  const ctx = gateway();
  const models = await ctx.catalog.list();
  return Promise.all(
    models.map(async (m) => {
      const view = await ctx.limiter.peek(limitKey(accountId, m.id), m.policy, now);
      return {
        model: m.name,
        limits: whole(view.limits),
        remaining: whole(view.remaining),
        overLimit: view.overLimit,
        sustainedMinutes: Math.round(view.sustainedMinutes * 100) / 100,
      };
    }),
  );
}

// After a payment changed an account (tier, suspension), drop what this instance's gateway cached
// about it — its status and its spend leases — so the next API call sees the new state at once.
// Other instances see it within their 1 s cache TTL (lib/gateway/account-state.ts).
import { gateway } from "../gateway/context";

export function forgetAccountState(accountId: string): void {
  const gw = gateway();
  gw.accounts.forget(accountId);
  gw.guard.revoke(accountId);
}

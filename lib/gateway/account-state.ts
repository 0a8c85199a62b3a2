// Account status for admission, cached for one second: a suspension or its lifting is visible to
// the API within 1 s on every instance (SPEC §5) without a database read per request. Read through
// lookupDb: a database that stopped answering fails the read (503) within seconds (LOOKUP_TIMEOUT_MS a wait).
import { lookupDb } from "../db";
import type { SuspensionReasonCode } from "../db/generated/enums";
import { reasonsInForce } from "../billing/spend-limit-lapsed";

export interface AccountState {
  status: "active" | "suspended";
  reasons: SuspensionReasonCode[];
}

const TTL_MS = 1_000;
// Most pressing first: what the owner must fix before anything else helps.
const ORDER: SuspensionReasonCode[] = ["manual", "payment_failed", "no_payment_method", "spend_limit_reached"];

export class AccountStateCache {
  // A read still running (a slow or stalled database) serves everyone who asks meanwhile, however
  // old: one read per account at a time, not one more every second.
  private cache = new Map<string, { at: number; state: Promise<AccountState>; running: boolean }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(accountId: string): Promise<AccountState> {
    const t = this.now();
    const hit = this.cache.get(accountId);
    if (hit && (hit.running || t - hit.at < TTL_MS)) return hit.state;
    const state = this.load(accountId);
    if (this.cache.size > 50_000) this.cache.clear();
    const entry = { at: t, state, running: true };
    this.cache.set(accountId, entry);
    state.then(
      () => {
        entry.running = false;
      },
      () => {
        entry.running = false;
        // A failed read is not remembered: the next request tries again.
        if (this.cache.get(accountId) === entry) this.cache.delete(accountId);
      },
    );
    return state;
  }

  forget(accountId: string): void {
    this.cache.delete(accountId);
  }

  private async load(accountId: string): Promise<AccountState> {
    const account = await lookupDb().account.findUnique({
      where: { id: accountId },
      select: {
        status: true,
        tier: true,
        spendLimitMicros: true,
        creditBalanceMicros: true,
        monthlySpendMicros: true,
        spendPeriod: true,
        suspensionReasons: { where: { liftedAt: null }, select: { reason: true, setAt: true } },
      },
    });
    if (!account) return { status: "suspended", reasons: ["manual"] };
    // A new month lifts spend_limit_reached at once, not when the month-close job reaches this account.
    const held = reasonsInForce(account, new Date(this.now()));
    const reasons = held.reasons.map((r) => r.reason).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    return { status: held.status, reasons };
  }
}

// In-memory reservation of each request's maximum cost against this instance's spend leases
// (lib/billing/spend-lease.ts). A request is admitted only if its maximum cost fits in the lease;
// settlement returns the unused part. One database transaction per lease, not per request.
import {
  LEASE_TTL_MS,
  grantSpendLease,
  listenForRevokedLeases,
  registerLocalLeaseHolder,
  releaseSpendLeases,
  renewSpendLeases,
  shrinkSpendLease,
  type LocalLeaseHolder,
} from "../billing/spend-lease";
import diagnostics from "node:diagnostics_channel";
import { errorSummary, log } from "../log";

interface Lease {
  id: string;
  /** Budget not yet reserved by a request on this instance. */
  available: bigint;
  /** What was granted: below a quarter of it left, the next lease is asked for ahead of need. */
  granted: bigint;
  expiresAt: number;
  inFlight: number;
  /** No new reservations (about to lapse, or revoked): released when its last request settles. */
  retired: boolean;
  /** Last reservation on it (this.now()). */
  usedAt: number;
}

export type Reservation =
  { ok: true; leaseId: string; amount: bigint } | { ok: false; availableMicros: bigint; limitMicros: bigint | null };

/**
 * Each lease grant, for diagnostics: `{ accountId, started, ms }` (performance.now() times). A grant
 * holds the account's row lock, and the meter's flushes for that account wait behind it.
 */
export const grantChannel = diagnostics.channel("headroom:spend:grant");

const MAX_ROUNDS = 200;
/** Stop reserving on a lease this long before it would lapse. */
const RETIRE_MARGIN_MS = 20_000;
const RENEW_EVERY_MS = 2_000;
/**
 * A lease nobody has reserved on for this long is given back at the next renewal: budget held idle
 * by one instance is budget another instance is refused (with several instances near the limit, a
 * request's fate depended on which one it reached).
 */
export const IDLE_RELEASE_MS = 10_000;
/**
 * Lease enough for this many requests of the current size (bounded by a quarter of what is left).
 * A busy account's multiple doubles while its leases last under LEASE_MIN_LIFE_MS and halves back
 * once one lasts over LEASE_MAX_LIFE_MS: a grant holds the account's row lock (the meter's flush
 * waits behind it), so a hot account should need a few grants a minute, not several a second.
 */
const LEASE_MULTIPLE = 1024n;
const MAX_LEASE_MULTIPLE = 1024n * 256n;
const LEASE_MIN_LIFE_MS = 5_000;
const LEASE_MAX_LIFE_MS = 30_000;

export class SpendGuard implements LocalLeaseHolder {
  private leases = new Map<string, Lease[]>();
  /** Per account, the grant in flight; resolves to its refusal, or null if it was granted. */
  private pending = new Map<string, Promise<Reservation | null>>();
  /** Per account: the lease size multiple in use and when the last lease was granted. */
  private sizing = new Map<string, { multiple: bigint; grantedAt: number }>();
  private timer: NodeJS.Timeout | null = null;
  private unregister: (() => void) | null = null;
  private revocations: { close(): Promise<void> } | null = null;
  private renewing = false;

  /**
   * `now` drives this guard's own timing (renewals, idleness, when to stop using a lease). Which
   * leases are live is decided on the database's clock (lib/billing/spend-lease.ts) unless
   * `leaseClock` is "caller": then the database is told `now` too (tests that drive time).
   */
  constructor(
    private readonly holder: string,
    private readonly now: () => number = Date.now,
    private readonly leaseClock: "database" | "caller" = "database",
  ) {}

  start(): void {
    // One renewal at a time: one the database is slow to answer is not joined by another every 2 s.
    this.timer ??= setInterval(() => {
      if (this.renewing) return;
      this.renewing = true;
      void this.renew().finally(() => (this.renewing = false));
    }, RENEW_EVERY_MS);
    this.timer.unref();
    this.unregister ??= registerLocalLeaseHolder(this);
    // Another instance took an account's leases back: stop reserving on them now, not at the next renewal.
    this.revocations ??= listenForRevokedLeases((accountId) => this.revoke(accountId));
  }

  /** Reserves from a lease this instance already holds, without waiting; null when none has room (then reserve()). */
  tryReserve(accountId: string, maxCost: bigint): Reservation | null {
    const lease = this.usable(accountId, maxCost);
    if (!lease) return null;
    lease.available -= maxCost;
    lease.inFlight++;
    lease.usedAt = this.now();
    this.leaseAhead(accountId, lease, maxCost);
    return { ok: true, leaseId: lease.id, amount: maxCost };
  }

  async reserve(accountId: string, maxCost: bigint): Promise<Reservation> {
    // Only the database may refuse: each round either waits for another request's grant or makes
    // its own, so under contention (many requests, little budget) a request keeps trying until it
    // gets a slice or the account really has no budget left. The bound only guards against a bug.
    for (let attempt = 0; attempt < MAX_ROUNDS; attempt++) {
      const reserved = this.tryReserve(accountId, maxCost);
      if (reserved) return reserved;
      const refused = await this.lease(accountId, maxCost);
      if (refused) return refused;
    }
    return { ok: false, availableMicros: 0n, limitMicros: null };
  }

  /** The request is over: give back what it did not spend (the charge drew down the lease in the DB). */
  settle(accountId: string, leaseId: string, reserved: bigint, spent: bigint): void {
    const lease = this.leases.get(accountId)?.find((l) => l.id === leaseId);
    if (!lease) return;
    lease.inFlight--;
    lease.available += reserved - (spent < reserved ? spent : reserved);
    if (lease.retired && lease.inFlight === 0) void this.drop(accountId, lease);
  }

  /** Requests holding a reservation on the account's leases on this instance (diagnostics, tests). */
  holding(accountId: string): number {
    return (this.leases.get(accountId) ?? []).reduce((n, l) => n + l.inFlight, 0);
  }

  /**
   * Stop using an account's leases (its limit changed, it was suspended, or another instance took
   * them back): new requests lease afresh. Each lease goes back to what its requests in flight hold.
   */
  revoke(accountId: string): void {
    for (const lease of [...(this.leases.get(accountId) ?? [])]) void this.giveBack(accountId, lease);
  }

  /**
   * The account's leases were taken back (revokeAccountLeases, in the transaction that shrank its
   * budget): no more reservations on them, and what no request in flight holds is given up — the
   * caller takes it off the lease rows. Nothing is written here (that transaction may roll back, and
   * a write from here could join it): a lease is released once its last request settles, or by the
   * next renewal if none is in flight — either way its row goes, whatever the transaction did.
   */
  retire(accountId: string): Map<string, bigint> {
    const unused = new Map<string, bigint>();
    for (const lease of this.leases.get(accountId) ?? []) {
      lease.retired = true;
      unused.set(lease.id, lease.available);
      lease.available = 0n;
    }
    return unused;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unregister?.();
    this.unregister = null;
    const ids = [...this.leases.values()].flat().map((l) => l.id);
    this.leases.clear();
    await releaseSpendLeases(ids).catch(() => undefined);
    await this.revocations?.close();
    this.revocations = null;
  }

  private usable(accountId: string, cost: bigint): Lease | undefined {
    const t = this.now();
    return this.leases.get(accountId)?.find((l) => !l.retired && l.expiresAt - t > RETIRE_MARGIN_MS && l.available >= cost);
  }

  /**
   * A lease running low is topped up in the background while it still serves requests: a grant
   * takes the account's row lock (behind the meter's flush), and requests that had to wait for it
   * would all stall together. A refusal here changes nothing; the next reservation that does not
   * fit asks again and reports it.
   */
  private leaseAhead(accountId: string, lease: Lease, cost: bigint): void {
    if (lease.available * 4n >= lease.granted || this.pending.has(accountId)) return;
    if ((this.leases.get(accountId) ?? []).some((l) => l !== lease && !l.retired && l.available >= cost)) return;
    void this.lease(accountId, cost).catch((err: unknown) =>
      log.warn("leasing spend budget ahead failed", { accountId, error: errorSummary(err) }),
    );
  }

  /**
   * Lease more budget for the account (one grant at a time per account). Returns a refusal or null.
   * A request that waited for another's grant shares its refusal if it needs more than the refusal
   * found left: it could not have been granted either. (Each asking again in turn, one row lock
   * each, served a crowd at the limit one by one, and those left when the rounds ran out got 503.)
   */
  private async lease(accountId: string, need: bigint): Promise<Reservation | null> {
    const inFlight = this.pending.get(accountId);
    if (inFlight) {
      const refusal = await inFlight;
      return refusal && !refusal.ok && need > refusal.availableMicros ? refusal : null;
    }
    let refusal: Reservation | null = null;
    const p = (async () => {
      // Retire leases too small for this request and give their unused budget back to the account
      // first, so fragments cannot add up to a refusal while budget is left.
      for (const l of [...(this.leases.get(accountId) ?? [])]) {
        if (l.available < need) await this.giveBack(accountId, l);
      }
      const started = performance.now();
      const grant = await grantSpendLease(accountId, this.holder, need, need * this.multiple(accountId), {
        now: new Date(this.now()),
        database: this.leaseClock === "database",
      });
      if (grantChannel.hasSubscribers) grantChannel.publish({ accountId, started, ms: performance.now() - started });
      if (grant.granted) {
        const list = this.leases.get(accountId) ?? [];
        list.push({
          id: grant.leaseId,
          available: grant.amountMicros,
          granted: grant.amountMicros,
          expiresAt: grant.expiresAt,
          inFlight: 0,
          retired: false,
          usedAt: this.now(),
        });
        this.leases.set(accountId, list);
      } else if (grant.reason === "limit") {
        refusal = { ok: false, availableMicros: grant.availableMicros, limitMicros: grant.limitMicros };
      } else {
        refusal = { ok: false, availableMicros: 0n, limitMicros: 0n };
      }
      return refusal;
    })().finally(() => this.pending.delete(accountId));
    this.pending.set(accountId, p);
    return p;
  }

  /** The lease size multiple for the account's next grant, adapted to how long the last one lasted. */
  private multiple(accountId: string): bigint {
    const t = this.now();
    const last = this.sizing.get(accountId);
    let multiple = last?.multiple ?? LEASE_MULTIPLE;
    if (last && t - last.grantedAt < LEASE_MIN_LIFE_MS && multiple < MAX_LEASE_MULTIPLE) multiple *= 2n;
    else if (last && t - last.grantedAt > LEASE_MAX_LIFE_MS && multiple > LEASE_MULTIPLE) multiple /= 2n;
    this.sizing.set(accountId, { multiple, grantedAt: t });
    return multiple;
  }

  /**
   * No more reservations on the lease: released if no request holds any of it, else cut down to what
   * requests in flight hold (released when the last one settles).
   */
  private async giveBack(accountId: string, lease: Lease): Promise<void> {
    lease.retired = true;
    if (lease.inFlight === 0) return this.drop(accountId, lease);
    if (lease.available === 0n) return;
    const unused = lease.available;
    lease.available = 0n;
    await shrinkSpendLease(lease.id, unused).catch((err: unknown) =>
      // The row keeps the budget (more than is in use: nothing overshoots) until the lease is released.
      log.warn("giving back a spend lease's unused budget failed", { leaseId: lease.id, error: errorSummary(err) }),
    );
  }

  private drop(accountId: string, lease: Lease): Promise<void> {
    const list = (this.leases.get(accountId) ?? []).filter((l) => l !== lease);
    if (list.length) this.leases.set(accountId, list);
    else this.leases.delete(accountId);
    return releaseSpendLeases([lease.id]).catch(() => undefined);
  }

  /**
   * Keep live leases alive. One revoked meanwhile (its account's budget shrank; its notification did
   * not reach here) is given back; one gone (lapsed, deleted) is retired.
   */
  private async renew(): Promise<void> {
    const t = this.now();
    // An account without leases that has not leased for a while starts again from the base size.
    for (const [accountId, size] of this.sizing) {
      if (t - size.grantedAt > LEASE_MAX_LIFE_MS && !this.leases.has(accountId)) this.sizing.delete(accountId);
    }
    const all = [...this.leases.entries()].flatMap(([accountId, list]) => list.map((l) => ({ accountId, l })));
    // A lease that lapsed while renewals failed (database unreachable from here) is never revived:
    // other instances' grants stopped counting it when it lapsed, so its budget may be theirs now.
    for (const { accountId, l } of all) {
      if (l.expiresAt > t) continue;
      l.retired = true;
      l.available = 0n;
      if (l.inFlight === 0) void this.drop(accountId, l);
    }
    // Idle accounts' leases go back, and retired ones no request holds any more. (An account in use
    // keeps all its leases: one taken ahead of need sits unused while the older one runs down.)
    const lastUse = new Map<string, number>();
    for (const { accountId, l } of all) lastUse.set(accountId, Math.max(lastUse.get(accountId) ?? 0, l.usedAt));
    const done = all.filter(
      ({ accountId, l }) => l.expiresAt > t && l.inFlight === 0 && (l.retired || t - lastUse.get(accountId)! >= IDLE_RELEASE_MS),
    );
    for (const { accountId, l } of done) {
      l.retired = true;
      void this.drop(accountId, l);
    }
    const dropped = new Set(done.map(({ l }) => l));
    const live = all.filter(({ l }) => l.expiresAt > t && !dropped.has(l));
    if (live.length === 0) return;
    try {
      const renewal = await renewSpendLeases(
        live.map(({ l }) => l.id),
        this.leaseClock === "caller" ? new Date(t) : undefined,
      );
      for (const { accountId, l } of live) {
        if (renewal.live.has(l.id)) {
          l.expiresAt = t + LEASE_TTL_MS;
        } else if (renewal.revoked.has(l.id)) {
          l.expiresAt = t + LEASE_TTL_MS;
          void this.giveBack(accountId, l);
        } else {
          l.retired = true;
          l.available = 0n;
          if (l.inFlight === 0) void this.drop(accountId, l);
        }
      }
    } catch (err) {
      log.warn("spend lease renewal failed", { error: errorSummary(err) });
    }
  }
}

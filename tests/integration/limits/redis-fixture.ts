// A Redis connection per test file with a unique key prefix, and cleanup of everything under it.
import { randomUUID } from "node:crypto";
import Redis, { type RedisOptions } from "ioredis";
import { LIMITER_REDIS_OPTIONS, RedisLimiterStore, type RedisLimiterOptions } from "@/lib/limits";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export function uniquePrefix(name: string): string {
  return `headroom-test:${name}:${randomUUID()}:`;
}

/** A connection configured as production configures it (fail fast, short command timeout). */
export function connect(url = REDIS_URL, overrides: Partial<RedisOptions> = {}): Redis {
  const redis = new Redis(url, { ...LIMITER_REDIS_OPTIONS, enableOfflineQueue: true, ...overrides });
  redis.on("error", () => undefined);
  return redis;
}

export function storeOn(redis: Redis, prefix: string, options: RedisLimiterOptions = {}): RedisLimiterStore {
  return new RedisLimiterStore(redis, { prefix, logger: { warn: () => undefined, info: () => undefined }, ...options });
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

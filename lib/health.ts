// Health: each dependency answers or not, with its latency. 503 when the database cannot serve.
import { db, dbKind } from "./db";
import { errorSummary } from "./log";

export interface Health {
  ok: boolean;
  checks: Record<string, { ok: boolean; ms: number; detail?: string }>;
}

type Check = () => Promise<string | void>;
const KEY = Symbol.for("headroom.health");
// Shared by the custom server's and Next's copies of this module.
const extraChecks: Map<string, { check: Check; critical: boolean }> = ((
  globalThis as Record<symbol, Map<string, { check: Check; critical: boolean }>>
)[KEY] ??= new Map());

/**
 * Other parts (Redis, Stripe) register their check at start-up. A non-critical check is reported
 * but does not make the instance unhealthy (e.g. Redis: admission fails open to a local limiter).
 */
export function registerHealthCheck(name: string, check: Check, opts: { critical?: boolean } = {}): void {
  extraChecks.set(name, { check, critical: opts.critical ?? true });
}

async function timed(check: Check): Promise<{ ok: boolean; ms: number; detail?: string }> {
  const start = performance.now();
  try {
    const detail = await Promise.race([
      check(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timed out after 2 s")), 2_000).unref()),
    ]);
    return { ok: true, ms: Math.round(performance.now() - start), ...(detail ? { detail } : {}) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - start), detail: errorSummary(err) };
  }
}

export async function checkHealth(): Promise<Health> {
  const checks: Health["checks"] = {};
  checks.database = await timed(async () => {
    const rows = await db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`;
    return `${dbKind()}, ${rows[0]?.n ?? 0} migrations applied`;
  });
  let ok = checks.database.ok;
  for (const [name, { check, critical }] of extraChecks) {
    checks[name] = await timed(check);
    if (critical && !checks[name].ok) ok = false;
  }
  return { ok, checks };
}

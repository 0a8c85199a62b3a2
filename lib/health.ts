// Health: each dependency answers or not, with its latency. 503 when the database cannot serve.
import { db, dbKind } from "./db";

export interface Health {
  ok: boolean;
  checks: Record<string, { ok: boolean; ms: number; detail?: string }>;
}

type Check = () => Promise<string | void>;
const extraChecks = new Map<string, Check>();

/** Other parts (Redis, Stripe) register their check at start-up. */
export function registerHealthCheck(name: string, check: Check): void {
  extraChecks.set(name, check);
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
    return { ok: false, ms: Math.round(performance.now() - start), detail: err instanceof Error ? err.message.split("\n")[0] : "failed" };
  }
}

export async function checkHealth(): Promise<Health> {
  const checks: Health["checks"] = {};
  checks.database = await timed(async () => {
    const rows = await db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`;
    return `${dbKind()}, ${rows[0]?.n ?? 0} migrations applied`;
  });
  for (const [name, check] of extraChecks) checks[name] = await timed(check);
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}

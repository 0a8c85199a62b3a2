// SIGKILL during load loses no usage record of a completed response: a response completes only
// after its usage is committed (group commit), so every x-request-id a client got a 200 for is in
// the database after the process is killed mid-load — and the ledger matches the usage records.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, createModelFixture } from "../../helpers/fixtures";
import { closeDb, db, openPglite, setDb } from "@/lib/db";
import { applyMigrations } from "@/lib/db/migrate";
import { pgliteExecutor } from "@/lib/db/migrate-adapters";
import { MIGRATIONS_DIR } from "@/lib/db/prepare";

const root = path.resolve(import.meta.dirname, "../../..");
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function startChild(env: Record<string, string>): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    // node itself (not an npx wrapper), so SIGKILL hits the process that holds the requests.
    const proc = spawn(process.execPath, ["--import", "tsx", "tests/helpers/gateway-child.ts"], {
      cwd: root,
      env: {
        ...process.env,
        HEADROOM_LOG_LEVEL: "error",
        HEADROOM_SIM_TOKENS_PER_SECOND: "2000",
        HEADROOM_SIM_FIRST_TOKEN_MS: "2",
        ...env,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    proc.stdout!.on("data", (d: Buffer) => {
      const m = /ready (\d+)/.exec(d.toString());
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.on("exit", (code) => reject(new Error(`gateway child exited early (${code})`)));
  });
}

async function loadUntilKilled(port: number, apiKey: string, model: string, proc: ChildProcess): Promise<string[]> {
  const completed: string[] = [];
  let alive = true;
  const worker = async () => {
    while (alive) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({ model, messages: [{ role: "user", content: "crash test" }], max_tokens: 8, stream: Math.random() < 0.3 }),
        });
        const text = await res.text();
        // A stream is complete only when its terminator arrived.
        if (res.status === 200 && (!res.headers.get("content-type")?.includes("event-stream") || text.includes("data: [DONE]"))) {
          completed.push(res.headers.get("x-request-id")!);
        }
      } catch {
        /* the process died under us */
      }
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  await new Promise((r) => setTimeout(r, 2_500));
  proc.kill("SIGKILL");
  await new Promise((r) => proc.once("exit", r));
  alive = false;
  await Promise.all(workers);
  return completed;
}

describe("crash safety of metering", () => {
  it("after SIGKILL mid-load, every completed response has exactly one usage record and ledger charge", async () => {
    let childEnv: Record<string, string>;
    if (process.env.DATABASE_URL) {
      const created = await createTestDatabase();
      cleanups.push(created.drop);
      childEnv = { DATABASE_URL: created.db.url! };
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "headroom-crash-"));
      cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
      const handle = openPglite(path.join(dir, "db"));
      await applyMigrations(pgliteExecutor(handle.pglite!), { migrationsDir: MIGRATIONS_DIR });
      setDb(handle);
      childEnv = { DATABASE_URL: "", HEADROOM_DATA_DIR: dir };
    }
    const model = await createModelFixture({ baseRpm: 1_000_000, capRpm: 1_000_000 });
    const acct = await createAccountFixture({ tier: "tier4", creditsMicros: 1_000_000n });
    if (!process.env.DATABASE_URL) await closeDb(); // the child opens the PGlite folder alone

    const { proc, port } = await startChild(childEnv);
    const completed = await loadUntilKilled(port, acct.apiKey, model.name, proc);
    expect(completed.length).toBeGreaterThan(20);

    if (!process.env.DATABASE_URL) setDb(openPglite(path.join(childEnv.HEADROOM_DATA_DIR!, "db")));
    const records = await db().usageRecord.findMany({
      where: { requestId: { in: completed } },
      select: { requestId: true, costMicros: true },
    });
    expect(new Set(records.map((r) => r.requestId)).size).toBe(completed.length);
    // Ledger and counters agree with the usage records (including any committed but unanswered ones).
    const all = await db().usageRecord.aggregate({ where: { accountId: acct.accountId }, _sum: { costMicros: true }, _count: true });
    const ledger = await db().ledgerEntry.aggregate({
      where: { accountId: acct.accountId, kind: "usage_charge" },
      _sum: { creditMicros: true, invoiceMicros: true },
      _count: true,
    });
    expect(ledger._count).toBe(all._count);
    expect((ledger._sum.creditMicros ?? 0n) + (ledger._sum.invoiceMicros ?? 0n)).toBe(all._sum.costMicros ?? 0n);
    const account = await db().account.findUniqueOrThrow({ where: { id: acct.accountId } });
    expect(account.monthlySpendMicros).toBe(all._sum.costMicros ?? 0n);
    expect(account.creditBalanceMicros).toBe(1_000_000n - (ledger._sum.creditMicros ?? 0n));
    await closeDb();
  }, 120_000);
});

// Each test file gets its own fresh database: a new PostgreSQL database on DATABASE_URL's server
// when it is set (CI runs the integration suite that way), else an in-memory PGlite.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { closeDb, openPglite, openPostgres, setDb } from "@/lib/db";
import { applyMigrations } from "@/lib/db/migrate";
import { pgExecutor, pgliteExecutor } from "@/lib/db/migrate-adapters";
import { MIGRATIONS_DIR } from "@/lib/db/prepare";

export interface TestDatabase {
  kind: "postgres" | "pglite";
  /** Connection string of the fresh PostgreSQL database (postgres only). */
  url?: string;
}

export async function createTestDatabase(): Promise<{ db: TestDatabase; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const handle = openPglite(null);
    await applyMigrations(pgliteExecutor(handle.pglite!), { migrationsDir: MIGRATIONS_DIR });
    setDb(handle);
    return { db: { kind: "pglite" }, drop: () => closeDb() };
  }
  const name = `headroom_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await applyMigrations(pgExecutor(client), { migrationsDir: MIGRATIONS_DIR });
  await client.end();
  setDb(openPostgres(url.toString(), 20));
  return {
    db: { kind: "postgres", url: url.toString() },
    drop: async () => {
      await closeDb();
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Use in a test file: a fresh database for the whole file, dropped afterwards. */
export function setupTestDatabase(): { current: TestDatabase | null } {
  const ref: { current: TestDatabase | null } = { current: null };
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await createTestDatabase();
    ref.current = created.db;
    drop = created.drop;
  });
  afterAll(async () => {
    await drop?.();
  });
  return ref;
}

// Open the configured database for this process and bring its schema up to date. The embedded
// PGlite folder can be opened by one process only, so its migrations run here, in the server
// process, before anything else touches it. PostgreSQL takes an advisory lock, so several
// instances starting at once apply each migration once.
import path from "node:path";
import pg from "pg";
import { env } from "../env";
import { openPglite, openPostgres, pgliteDir, setDb } from "./index";
import { applyMigrations } from "./migrate";
import { pgliteExecutor, withPoolExecutor } from "./migrate-adapters";
import { log } from "../log";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

export async function prepareDatabase(): Promise<void> {
  const url = env().DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const result = await withPoolExecutor(pool, (ex) => applyMigrations(ex, { migrationsDir: MIGRATIONS_DIR }));
      if (result.applied.length) log.info("migrations applied", { applied: result.applied });
    } finally {
      await pool.end();
    }
    setDb(openPostgres(url));
    return;
  }
  const handle = openPglite(pgliteDir());
  const result = await applyMigrations(pgliteExecutor(handle.pglite!), { migrationsDir: MIGRATIONS_DIR });
  if (result.applied.length) log.info("migrations applied", { applied: result.applied });
  setDb(handle);
}

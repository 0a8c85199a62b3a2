// Applies prisma/migrations in-process, recording them in `_prisma_migrations` exactly as `prisma migrate deploy` does.
// Why it exists: an embedded PGlite data folder can be opened by one process at a time, so the app
// migrates it itself at start-up instead of spawning the Prisma CLI. PostgreSQL works too.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The little a database connection must offer. Both calls must run on the same session. */
export interface MigrationExecutor {
  /** Runs a script as one simple-protocol query (several statements, no parameters). */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface MigrationFile {
  /** Directory name, e.g. `20261125000000_init`: the migration's name in `_prisma_migrations`. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql's bytes: Prisma's checksum. */
  checksum: string;
}

export interface ApplyMigrationsResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Already-applied migrations whose migration.sql changed since (Prisma reports these as edited). */
  edited: string[];
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MigrationError";
  }
}

// The session-level advisory lock key Prisma Migrate takes on PostgreSQL: holding the same one
// keeps this runner, other app instances and the Prisma CLI from migrating at the same time.
const PRISMA_MIGRATE_LOCK = 72707369;

// The schema engine's own DDL for the table (PostgreSQL connector), so the CLI reads our rows as its own.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

/**
 * Reads `<dir>/<name>/migration.sql` in the order the Prisma CLI uses (directory names, localeCompare).
 * `dir` defaults to prisma/migrations under the working directory (the project root for the app).
 */
export function readMigrations(dir: string = path.resolve("prisma/migrations")): MigrationFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      if (!fs.existsSync(file)) throw new MigrationError(`Migration ${name} has no migration.sql (${file})`, name);
      const bytes = fs.readFileSync(file);
      return { name, sql: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    });
}

/**
 * Applies the pending migrations, each in its own transaction, and records them in
 * `_prisma_migrations` so that `prisma migrate status` reports the database as up to date.
 */
export async function applyMigrations(
  executor: MigrationExecutor,
  options: { migrationsDir?: string; migrations?: MigrationFile[] } = {},
): Promise<ApplyMigrationsResult> {
  const migrations = options.migrations ?? readMigrations(options.migrationsDir);
  await executor.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK})`);
  try {
    await executor.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await executor.query<MigrationRow>(
      "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at ASC",
    );
    const live = rows.filter((row) => row.rolled_back_at === null);
    // Like `migrate deploy` (P3009): a migration that failed half-way needs a human
    // (`prisma migrate resolve`) before anything else is applied.
    const failed = live.filter((row) => row.finished_at === null).map((row) => row.migration_name);
    if (failed.length > 0) {
      throw new MigrationError(
        `Found failed migrations in the database: ${failed.join(", ")}. Fix them, then run \`prisma migrate resolve --rolled-back <name>\` (or --applied).`,
        failed[0],
      );
    }
    const applied = new Map(live.map((row) => [row.migration_name, row.checksum]));
    const edited = migrations.filter((m) => applied.has(m.name) && applied.get(m.name) !== m.checksum).map((m) => m.name);
    const done: string[] = [];
    for (const migration of migrations.filter((m) => !applied.has(m.name))) {
      await applyOne(executor, migration);
      done.push(migration.name);
    }
    return { applied: done, edited };
  } finally {
    await executor.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK})`).catch(() => {});
  }
}

async function applyOne(executor: MigrationExecutor, migration: MigrationFile): Promise<void> {
  const startedAt = new Date();
  await executor.exec("BEGIN");
  try {
    // One simple-protocol query for the whole script: `$$` bodies and literals containing `;` stay intact.
    await executor.exec(migration.sql);
    await executor.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, $4, clock_timestamp(), 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt.toISOString()],
    );
    await executor.exec("COMMIT");
  } catch (error) {
    // The transaction leaves no trace of the failed script, so unlike the CLI (which cannot roll a
    // script back) there is no failed row to record: fix the migration and start again.
    await executor.exec("ROLLBACK").catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${reason}`, migration.name, { cause: error });
  }
}

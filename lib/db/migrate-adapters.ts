// MigrationExecutor adapters for applyMigrations: a pg Client, a pg Pool (pinned to one connection) and a PGlite instance.
import type { PGliteInterface } from "@electric-sql/pglite";
import type { ClientBase, Pool } from "pg";
import type { MigrationExecutor } from "./migrate";

/** A pg Client or a checked-out PoolClient. pg uses the simple protocol for parameterless queries. */
export function pgExecutor(client: ClientBase): MigrationExecutor {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
  };
}

/**
 * Runs `fn` with an executor on one connection of `pool`. Why not `pool.query`: the advisory lock
 * and BEGIN/COMMIT are per session, and a pool may send each query to a different one.
 */
export async function withPoolExecutor<T>(pool: Pool, fn: (executor: MigrationExecutor) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(pgExecutor(client));
  } finally {
    client.release();
  }
}

/** A PGlite instance (single connection by nature). `exec` runs a script with the simple protocol. */
export function pgliteExecutor(db: PGliteInterface): MigrationExecutor {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
  };
}

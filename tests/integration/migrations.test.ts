// The offline Prisma CLI workflow (WASM schema engine) and the in-process migration runner, on PostgreSQL and PGlite.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, MigrationError, readMigrations } from "@/lib/db/migrate";
import { pgExecutor, pgliteExecutor } from "@/lib/db/migrate-adapters";

const root = path.resolve(import.meta.dirname, "../..");
const skipPg = process.env.HEADROOM_SKIP_PG === "1";
const CLI_TIMEOUT = 120_000;
const MIGRATIONS_DIR = path.join(root, "prisma/migrations");
const INIT = "20261125000000_init";

interface CliResult {
  code: number | null;
  output: string;
}

/** Runs `npx prisma <args>` in the project root against `databaseUrl`. */
function prisma(args: string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["prisma", ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, NO_COLOR: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** `migrate status` says up to date, and the database matches both the migrations and the schema. */
async function expectUpToDateAndNoDrift(databaseUrl: string): Promise<void> {
  const status = await prisma(["migrate", "status"], databaseUrl);
  expect(status.output).toContain("Database schema is up to date!");
  expect(status.code).toBe(0);

  const fromMigrations = await prisma(
    ["migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema", "prisma/schema.prisma", "--exit-code"],
    databaseUrl,
  );
  expect(fromMigrations.output).toContain("No difference detected.");
  expect(fromMigrations.code).toBe(0);

  const fromDatabase = await prisma(
    ["migrate", "diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
    databaseUrl,
  );
  expect(fromDatabase.output).toContain("No difference detected.");
  expect(fromDatabase.code).toBe(0);
}

/** sha256 hex of each migration.sql, computed independently of lib/db/migrate. */
function expectedChecksums(): Record<string, string> {
  const names = fs.readdirSync(MIGRATIONS_DIR).filter((name) => fs.existsSync(path.join(MIGRATIONS_DIR, name, "migration.sql")));
  return Object.fromEntries(
    names.map((name) => [
      name,
      createHash("sha256")
        .update(fs.readFileSync(path.join(MIGRATIONS_DIR, name, "migration.sql")))
        .digest("hex"),
    ]),
  );
}

const migrationNames = () => readMigrations(MIGRATIONS_DIR).map((m) => m.name);

const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${Date.now()}_${randomBytes(3).toString("hex")}`;

// ─── PGlite ────────────────────────────────────────────────────────────────────

const tempDirs: string[] = [];
function freshPgliteDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "headroom-migrations-"));
  tempDirs.push(dir);
  return path.join(dir, "db");
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("Prisma CLI on embedded PGlite (pglite:<dir>)", () => {
  it(
    "migrate deploy creates the data folder and applies the migrations; status and diff agree",
    async () => {
      const dir = freshPgliteDir();
      const url = `pglite:${dir}`;
      // A diff that reads no database must not open (here: create) the data folder: a running
      // server may have it open, and a second opener corrupts it.
      const pureDiff = await prisma(["migrate", "diff", "--from-empty", "--to-schema", "prisma/schema.prisma", "--exit-code"], url);
      expect(pureDiff.code).toBe(2); // 2 = there is a difference
      expect(fs.existsSync(dir)).toBe(false);

      const deploy = await prisma(["migrate", "deploy"], url);
      expect(deploy.output).toContain(INIT);
      expect(deploy.code).toBe(0);
      expect(fs.existsSync(path.join(dir, "PG_VERSION"))).toBe(true);

      await expectUpToDateAndNoDrift(url);

      const db = await PGlite.create({ dataDir: dir });
      try {
        const rows = (
          await db.query<{ migration_name: string; checksum: string }>("SELECT migration_name, checksum FROM _prisma_migrations")
        ).rows;
        expect(Object.fromEntries(rows.map((r) => [r.migration_name, r.checksum]))).toEqual(expectedChecksums());
      } finally {
        await db.close();
      }
    },
    CLI_TIMEOUT,
  );

  it(
    "applyMigrations in-process leaves a data folder the CLI reports as up to date",
    async () => {
      const dir = freshPgliteDir();
      fs.mkdirSync(dir, { recursive: true });
      const db = await PGlite.create({ dataDir: dir });
      try {
        const executor = pgliteExecutor(db);
        expect(await applyMigrations(executor, { migrationsDir: MIGRATIONS_DIR })).toEqual({ applied: migrationNames(), edited: [] });
        expect(await applyMigrations(executor, { migrationsDir: MIGRATIONS_DIR })).toEqual({ applied: [], edited: [] });
      } finally {
        await db.close(); // a PGlite data folder is opened by one process at a time
      }
      await expectUpToDateAndNoDrift(`pglite:${dir}`);
    },
    CLI_TIMEOUT,
  );

  it("applyMigrations rolls a failing migration back whole and records nothing for it", async () => {
    const db = await PGlite.create();
    try {
      const migrations = [
        { name: "1_ok", sql: "CREATE TABLE ok (x int);", checksum: "a".repeat(64) },
        {
          name: "2_broken",
          sql: "CREATE TABLE half (x int);\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT 1/0;",
          checksum: "b".repeat(64),
        },
      ];
      await expect(applyMigrations(pgliteExecutor(db), { migrations })).rejects.toThrow(MigrationError);
      const names = (await db.query<{ migration_name: string }>("SELECT migration_name FROM _prisma_migrations")).rows.map(
        (r) => r.migration_name,
      );
      expect(names).toEqual(["1_ok"]);
      expect((await db.query("SELECT to_regclass('half') AS t")).rows).toEqual([{ t: null }]);
    } finally {
      await db.close();
    }
  });
});

// ─── PostgreSQL ────────────────────────────────────────────────────────────────

describe.skipIf(skipPg)("Prisma CLI on PostgreSQL (127.0.0.1:5432; HEADROOM_SKIP_PG=1 skips)", () => {
  const created: string[] = [];
  let admin: pg.Client | undefined;
  let user = "postgres";

  async function adminClient(): Promise<pg.Client> {
    if (admin) return admin;
    let lastError: unknown;
    for (const candidate of ["postgres", "root"]) {
      const client = new pg.Client({ host: "127.0.0.1", port: 5432, user: candidate, database: "postgres" });
      try {
        await client.connect();
        user = candidate;
        admin = client;
        return client;
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(
      `PostgreSQL is not reachable at 127.0.0.1:5432 as postgres or root (HEADROOM_SKIP_PG=1 skips these tests): ${String(lastError)}`,
    );
  }

  async function freshDatabase(): Promise<string> {
    const client = await adminClient();
    const name = uniqueName("headroom_migrations");
    await client.query(`CREATE DATABASE "${name}"`);
    created.push(name);
    return `postgresql://${user}@127.0.0.1:5432/${name}`;
  }

  afterAll(async () => {
    if (!admin) return;
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it(
    "migrate deploy applies the migrations; status and diff agree; checksums are sha256 of migration.sql",
    async () => {
      const url = await freshDatabase();
      const deploy = await prisma(["migrate", "deploy"], url);
      expect(deploy.output).toContain(INIT);
      expect(deploy.code).toBe(0);

      await expectUpToDateAndNoDrift(url);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ migration_name: string; checksum: string }>(
          "SELECT migration_name, checksum FROM _prisma_migrations",
        );
        expect(Object.fromEntries(rows.map((r) => [r.migration_name, r.checksum]))).toEqual(expectedChecksums());
      } finally {
        await client.end();
      }
    },
    CLI_TIMEOUT,
  );

  it(
    "applyMigrations in-process leaves a database the CLI reports as up to date",
    async () => {
      const url = await freshDatabase();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const executor = pgExecutor(client);
        expect(await applyMigrations(executor, { migrationsDir: MIGRATIONS_DIR })).toEqual({ applied: migrationNames(), edited: [] });
        expect(await applyMigrations(executor, { migrationsDir: MIGRATIONS_DIR })).toEqual({ applied: [], edited: [] });
      } finally {
        await client.end();
      }
      await expectUpToDateAndNoDrift(url);
    },
    CLI_TIMEOUT,
  );
});

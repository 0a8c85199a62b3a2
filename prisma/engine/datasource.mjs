// Datasource URLs → Prisma driver-adapter factories (pg or PGlite) for the WASM schema engine.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";

/** Error carrying a Prisma error code (P1001…), reported to the CLI like the native engine does. */
export class EngineUserError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * Parses the datasource URL of prisma.config.ts.
 * - `postgresql://…` / `postgres://…`: a PostgreSQL server, through `pg`.
 * - `pglite:<dir>`: an embedded PGlite data directory, relative to the working directory
 *   (the CLI runs the engine in the project root). `pglite:memory:` is a throwaway in-memory DB.
 */
export function parseDatasourceUrl(url) {
  if (typeof url !== "string" || url === "") {
    throw new EngineUserError("P1012", "The datasource URL is empty: set DATABASE_URL or datasource.url in prisma.config.ts.");
  }
  if (url.startsWith("pglite:")) {
    const location = url.slice("pglite:".length).replace(/^\/\/(?=\/|\.)/, "");
    if (location === "" || location === "memory:" || location.startsWith("memory://")) return { kind: "pglite", dataDir: null };
    return { kind: "pglite", dataDir: path.resolve(location) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      throw new EngineUserError("P1013", "The provided database string is invalid. The connection string could not be parsed.");
    }
    return {
      kind: "postgres",
      url,
      host: `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`,
      database: decodeURIComponent(parsed.pathname.slice(1)) || "postgres",
      user: decodeURIComponent(parsed.username) || process.env.PGUSER || process.env.USER || "postgres",
      schema: parsed.searchParams.get("schema") ?? undefined,
    };
  }
  throw new EngineUserError(
    "P1013",
    `The provided database string is invalid. Headroom's schema engine accepts postgresql://, postgres:// and pglite:<dir> URLs, got \`${url.split(":")[0]}:\`.`,
  );
}

// ─── PostgreSQL ────────────────────────────────────────────────────────────────

/** Same URL pointing at another database on the same server (keeps credentials and parameters). */
function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** pg config for a URL: the `schema` parameter becomes the session's search_path, as in the native engine. */
function pgConfig(source) {
  const u = new URL(source.url);
  u.searchParams.delete("schema");
  const config = { connectionString: u.toString() };
  if (source.schema) config.options = `-c search_path="${source.schema.replaceAll('"', '""')}"`;
  return config;
}

/** Maps a connection error from `pg` to the Prisma error (P1000…) the CLI knows how to explain. */
export function pgConnectionError(error, source) {
  const code = error?.code;
  if (code === "3D000") {
    return new EngineUserError("P1003", `Database \`${source.database}\` does not exist on the database server at \`${source.host}\`.`);
  }
  if (code === "28P01" || code === "28000") {
    return new EngineUserError(
      "P1000",
      `Authentication failed against database server at \`${source.host}\`, the provided database credentials for \`${source.user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at \`${source.host}\`.`,
    );
  }
  if (code === "42501") {
    return new EngineUserError("P1010", `User \`${source.user}\` was denied access on the database \`${source.database}\``);
  }
  if (["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN"].includes(code)) {
    return new EngineUserError(
      "P1001",
      `Can't reach database server at \`${source.host}\`\n\nPlease make sure your database server is running at \`${source.host}\`.`,
    );
  }
  return new Error(`Could not connect to the database server at \`${source.host}\`: ${error?.message ?? error}`);
}

/** Runs one statement on a short-lived connection (used for CREATE/DROP DATABASE, which cannot share a session in a transaction). */
async function runOnce(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Quotes an identifier for PostgreSQL. */
const ident = (name) => `"${name.replaceAll('"', '""')}"`;

// Why: the driver adapters throw "Column type 'char' could not be deserialized" (and the like)
// on system-catalog types the schema engine reads while describing a database. Their text form
// is all the engine needs, so results in this process report them as `text` (OID 25).
const CATALOG_OIDS_AS_TEXT = new Set([22, 24, 30, 194, 1033, 2205, 2206]);
const TEXT_OID = 25;
// "char" (pg_constraint.contype…) must reach the engine as a Character column, which
// adapter-pg has no mapping for: it is decoded as text, then relabelled (restoreCharColumns).
const CHAR_OID = 18;
const charColumns = new WeakMap(); // result rows array → indexes of its "char" columns

// Why: PostgreSQL 18 (PGlite 0.5 is 18.x) stores NOT NULL as pg_constraint rows of contype 'n',
// which this engine build does not know: it panics describing any table. Its constraint query
// already skips the kinds it reads elsewhere; skip 'n' too (NOT NULL comes from pg_attribute).
// An exact match, so a future engine with other SQL is left alone.
const CONSTRAINT_FILTER = "AND contype NOT IN ('p', 'u', 'f')";

function engineSql(sql) {
  return typeof sql === "string" && sql.includes(CONSTRAINT_FILTER)
    ? sql.replace(CONSTRAINT_FILTER, "AND contype NOT IN ('p', 'u', 'f', 'n')")
    : sql;
}

function catalogTypesAsText(result, { charAsText }) {
  for (const r of Array.isArray(result) ? result : [result]) {
    const chars = [];
    (r?.fields ?? []).forEach((field, index) => {
      if (charAsText && field.dataTypeID === CHAR_OID) {
        chars.push(index);
        field.dataTypeID = TEXT_OID;
      } else if (CATALOG_OIDS_AS_TEXT.has(field.dataTypeID)) {
        field.dataTypeID = TEXT_OID;
      }
    });
    if (chars.length > 0 && r.rows) charColumns.set(r.rows, chars);
  }
  return result;
}

/** Gives "char" columns decoded as text (see CHAR_OID) their Character type back, on `queryable` and its transactions. */
function restoreCharColumns(queryable) {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumns.get(result.rows) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  if (queryable.startTransaction) {
    const startTransaction = queryable.startTransaction.bind(queryable);
    queryable.startTransaction = async (...args) => restoreCharColumns(await startTransaction(...args));
  }
  return queryable;
}

/**
 * A pg.Pool that is one connection. Why: the engine takes a session-level advisory lock, then
 * runs the migration on "the" connection; with a real pool the lock, the script and the
 * `_prisma_migrations` bookkeeping could each land on a different session.
 */
class SingleConnectionPool extends pg.Pool {
  constructor(config) {
    super({ ...config, max: 1 });
    this.connConfig = config;
    this.conn = null;
  }

  connect() {
    this.conn ??= (async () => {
      const client = new pg.Client(this.connConfig);
      const query = client.query.bind(client);
      client.query = (config, ...rest) => {
        const fixed = typeof config === "object" && config !== null ? { ...config, text: engineSql(config.text) } : engineSql(config);
        const result = query(fixed, ...rest);
        return typeof result?.then === "function" ? result.then((r) => catalogTypesAsText(r, { charAsText: true })) : result;
      };
      client.release = () => {}; // the pool never gives the connection back: it is the only one
      client.on("error", () => {}); // surfaces on the next query instead of crashing the process
      await client.connect();
      return client;
    })();
    return this.conn;
  }

  async query(...args) {
    const client = await this.connect();
    return client.query(...args);
  }

  async end() {
    const conn = this.conn;
    this.conn = null;
    if (conn) await (await conn.catch(() => null))?.end().catch(() => {});
  }
}

async function pgAdapter(source, config) {
  const pool = new SingleConnectionPool(config);
  try {
    await pool.connect();
  } catch (error) {
    throw pgConnectionError(error, source);
  }
  const adapter = restoreCharColumns(await new PrismaPg(pool, { schema: source.schema }).connect());
  // Why: adapter-pg's executeScript splits the script on ";", which breaks `$$` bodies and
  // string literals and is not atomic. One simple-protocol query (pg uses it when there are no
  // parameters) runs the whole script in one implicit transaction, like the native engine.
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  adapter.dispose = () => pool.end();
  return adapter;
}

class PostgresFactory {
  provider = "postgres";
  adapterName = "@prisma/adapter-pg";

  constructor(source, shadowDatabaseUrl, cleanup) {
    this.source = source;
    this.shadowDatabaseUrl = shadowDatabaseUrl;
    this.cleanup = cleanup;
  }

  async connect() {
    const adapter = await pgAdapter(this.source, pgConfig(this.source));
    this.cleanup.add(adapter.dispose);
    return adapter;
  }

  async connectToShadowDb() {
    if (this.shadowDatabaseUrl) {
      const shadow = parseDatasourceUrl(this.shadowDatabaseUrl);
      if (shadow.kind !== "postgres") throw new EngineUserError("P1013", "shadowDatabaseUrl must be a postgresql:// URL.");
      if (shadow.host === this.source.host && shadow.database === this.source.database) {
        throw new EngineUserError(
          "P3005",
          "The shadow database you configured appears to be the same as the main database. Please specify another shadow database.",
        );
      }
      const adapter = await pgAdapter(shadow, pgConfig(shadow));
      this.cleanup.add(adapter.dispose);
      // A configured shadow database is reused between runs: empty it first, as the native engine does.
      const schema = ident(shadow.schema ?? "public");
      await adapter.executeScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`);
      return adapter;
    }
    // Why: adapter-pg's own connectToShadowDb creates a shadow database and then connects to the
    // *main* one (its connection string overrides `database`), so `migrate dev` would replay the
    // migrations on the real database. Create it, point the URL's path at it, drop it after.
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    try {
      await runOnce(pgConfig(this.source).connectionString, `CREATE DATABASE ${ident(database)}`);
    } catch (error) {
      throw error?.code === "42501"
        ? new EngineUserError(
            "P3014",
            `Prisma Migrate could not create the shadow database. Please make sure the database user has permission to create databases. Original error: ${error.message}`,
          )
        : pgConnectionError(error, this.source);
    }
    const shadow = { ...this.source, url: withDatabase(this.source.url, database), database };
    const drop = this.cleanup.add(() => dropDatabase(this.source, database)); // runs once, at dispose or exit
    const adapter = await pgAdapter(shadow, pgConfig(shadow)).catch(async (error) => {
      await drop();
      throw error;
    });
    const close = adapter.dispose;
    adapter.dispose = async () => {
      await close();
      await drop();
    };
    return adapter;
  }

  /** See `detachedFactory`: migrations replay on a shadow database of this server, so only "none" detaches. */
  detached(needs) {
    return needs === "none" ? inMemoryFactory(this.cleanup) : null;
  }
}

async function dropDatabase(source, database) {
  const url = pgConfig(source).connectionString;
  // WITH (FORCE) (PostgreSQL 13+) also ends a connection we failed to close; older servers refuse the syntax.
  await runOnce(url, `DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`).catch(() =>
    runOnce(url, `DROP DATABASE IF EXISTS ${ident(database)}`).catch(() => {}),
  );
}

// ─── PGlite ────────────────────────────────────────────────────────────────────

// Why: initdb of a new PGlite cluster takes ~2.5 s, loading a dump of an empty one ~0.6 s, and
// every migrate command on PGlite needs a fresh shadow cluster. The first run saves the dump
// here (per PGlite version); later runs start from it.
const PGLITE_TEMPLATE_DIR = fileURLToPath(new URL("../../node_modules/.cache/headroom-schema-engine/", import.meta.url));

async function createPglite(PGlite, dataDir) {
  const isNew = !dataDir || !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  if (!isNew) return PGlite.create({ dataDir });
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const options = dataDir ? { dataDir } : {};
  const template = path.join(PGLITE_TEMPLATE_DIR, `pglite-${pgliteVersion()}-empty.tar.gz`);
  if (fs.existsSync(template)) {
    try {
      return await PGlite.create({ ...options, loadDataDir: new Blob([fs.readFileSync(template)]) });
    } catch {
      fs.rmSync(template, { force: true }); // unreadable template: start over with initdb
      if (dataDir) for (const entry of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    }
  }
  const db = await PGlite.create(options);
  try {
    const dump = Buffer.from(await (await db.dumpDataDir("gzip")).arrayBuffer());
    fs.mkdirSync(PGLITE_TEMPLATE_DIR, { recursive: true });
    const partial = `${template}.${process.pid}.tmp`;
    fs.writeFileSync(partial, dump);
    fs.renameSync(partial, template); // atomic: concurrent engines never read half a file
  } catch {
    // no cache (read-only node_modules…): every new cluster just takes longer
  }
  return db;
}

function pgliteVersion() {
  const pkg = fileURLToPath(new URL("./package.json", import.meta.resolve("@electric-sql/pglite").replace(/dist\/.*$/, "")));
  return JSON.parse(fs.readFileSync(pkg, "utf8")).version;
}

async function openPglite(dataDir) {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await createPglite(PGlite, dataDir);
  // Same catalog-type problems as with pg (see CATALOG_OIDS_AS_TEXT), in queries and transactions;
  // pglite-prisma-adapter maps "char" to Character itself.
  const wrapQuery = (target) => {
    const query = target.query.bind(target);
    target.query = async (sql, ...rest) => catalogTypesAsText(await query(engineSql(sql), ...rest), { charAsText: false });
    return target;
  };
  wrapQuery(db);
  const transaction = db.transaction.bind(db);
  db.transaction = (fn) => transaction((tx) => fn(wrapQuery(tx)));
  return db;
}

async function pgliteAdapter(db) {
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const adapter = await new PrismaPGlite(db).connect();
  // Why: pglite-prisma-adapter 0.7.2's executeScript does not await `exec`, so errors are lost
  // and the engine records a migration as applied before it ran. `exec` is one simple query.
  adapter.executeScript = async (script) => {
    try {
      await db.exec(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  adapter.dispose = async () => {
    if (!db.closed) await db.close();
  };
  return adapter;
}

class PgliteFactory {
  provider = "postgres";
  adapterName = "pglite-prisma-adapter";

  constructor(source, cleanup) {
    this.source = source;
    this.cleanup = cleanup;
    this.db = null;
  }

  async connect() {
    // One PGlite instance per data directory per process (a data directory can only be opened
    // once), shared by every connection the engine asks for and closed when the process ends.
    if (!this.db) {
      this.db = openPglite(this.source.dataDir);
      const db = this.db;
      this.cleanup.add(async () => (await db).close());
    }
    const adapter = await pgliteAdapter(await this.db);
    adapter.dispose = async () => {};
    return adapter;
  }

  async connectToShadowDb() {
    // A fresh in-memory instance is a perfect shadow database: nothing to create or drop.
    const adapter = await pgliteAdapter(await openPglite(null));
    this.cleanup.add(adapter.dispose);
    return adapter;
  }

  /** See `detachedFactory`: PGlite can stand in for the main database whenever it is not read. */
  detached(needs) {
    return needs === "main" ? null : inMemoryFactory(this.cleanup);
  }
}

const inMemoryFactory = (cleanup) => new PgliteFactory({ kind: "pglite", dataDir: null }, cleanup);

// ─── Entry points ──────────────────────────────────────────────────────────────

/**
 * Tracks what must be released before the process exits (connections, PGlite instances,
 * shadow databases), whether or not the engine disposed of them itself.
 */
export class Cleanup {
  tasks = new Set();

  add(task) {
    let done = false;
    const once = async () => {
      if (done) return;
      done = true;
      this.tasks.delete(once);
      await task();
    };
    this.tasks.add(once);
    return once;
  }

  async run() {
    for (const task of [...this.tasks].reverse()) await task().catch(() => {});
  }
}

/**
 * A factory for a request that does not read the configured database (`needs`: "shadow" when it
 * replays migrations, "none" for schema-to-schema diffs), or null to use the real one.
 * Why: the engine queries its main connection as soon as it starts, even for diffs that never read
 * it (`migrate diff --from-empty …`, `--from-migrations … --to-schema …`). On PGlite, opening the
 * app's data folder for those would create it, or open it a second time while the server has it
 * open, which corrupts it; on PostgreSQL, a schema-to-schema diff should not need a server.
 * An in-memory PGlite answers the engine's start-up probe instead.
 */
export function detachedFactory(factory, needs) {
  if (needs === "main") return null;
  return factory.detached?.(needs) ?? null;
}

/** Adapter factory (connect / connectToShadowDb) for the `--datasource` JSON the CLI passed. */
export function adapterFactory(datasource, cleanup) {
  if (!datasource?.url) {
    return {
      provider: "postgres",
      adapterName: "headroom-no-datasource",
      detached: (needs) => (needs === "none" ? inMemoryFactory(cleanup) : null),
      connect: () =>
        Promise.reject(new EngineUserError("P1012", "No datasource URL: set DATABASE_URL or datasource.url in prisma.config.ts.")),
      connectToShadowDb: () =>
        Promise.reject(new EngineUserError("P1012", "No datasource URL: set DATABASE_URL or datasource.url in prisma.config.ts.")),
    };
  }
  const source = parseDatasourceUrl(datasource.url);
  return source.kind === "pglite" ? new PgliteFactory(source, cleanup) : new PostgresFactory(source, datasource.shadowDatabaseUrl, cleanup);
}

/** `cli can-connect-to-database`: resolves, or throws an EngineUserError (P1003 when the database is missing). */
export async function canConnect(url) {
  const source = parseDatasourceUrl(url);
  if (source.kind === "pglite") return; // the data directory is created on first open
  const client = new pg.Client(pgConfig(source));
  try {
    await client.connect();
  } catch (error) {
    throw pgConnectionError(error, source);
  } finally {
    await client.end().catch(() => {});
  }
}

/** `cli create-database` / `createDatabase`: creates the database named by the URL; returns its name. */
export async function createDatabase(url) {
  const source = parseDatasourceUrl(url);
  if (source.kind === "pglite") {
    if (source.dataDir) fs.mkdirSync(source.dataDir, { recursive: true });
    return source.dataDir ?? "memory";
  }
  let lastError;
  // Connect to a maintenance database of the same server to issue CREATE DATABASE.
  for (const maintenance of ["postgres", "template1"]) {
    try {
      await runOnce(
        pgConfig({ ...source, url: withDatabase(source.url, maintenance) }).connectionString,
        `CREATE DATABASE ${ident(source.database)}`,
      );
      return source.database;
    } catch (error) {
      if (error?.code === "42P04") return source.database; // already exists
      lastError = error;
      if (error?.code !== "3D000") break;
    }
  }
  throw lastError?.code === "42501"
    ? new EngineUserError("P1010", `User \`${source.user}\` was denied access on the database \`${source.database}\``)
    : pgConnectionError(lastError, source);
}

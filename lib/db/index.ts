// The one database entry point: PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set,
// embedded PGlite (a data folder) when it is not. Nothing outside lib/db knows which is in use.
import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient, type Prisma } from "./generated/client";
import { env } from "../env";
import { log } from "../log";
import { pgListen, type Listener } from "./listen";

export type Db = PrismaClient;
export type { Prisma } from "./generated/client";

export interface Handle {
  prisma: PrismaClient;
  kind: "postgres" | "pglite";
  /** The embedded engine itself, for running migrations before Prisma is used. */
  pglite?: PGlite;
  /** The client for the gateway's per-request reads (see lookupDb). */
  lookups: () => PrismaClient;
  /** One statement straight on the driver (see directQuery). */
  query: (q: DirectQuery) => Promise<Record<string, unknown>[]>;
  /** NOTIFYs on a channel, from any instance (see listen()); null where there is no other instance. */
  listen: (channel: string, onMessage: (payload: string) => void) => Listener | null;
  close: () => Promise<void>;
}

export type { Listener } from "./listen";

/** A statement run on the driver itself, bypassing Prisma: a fixed text, prepared once per connection. */
export interface DirectQuery {
  /** Names the prepared statement (PostgreSQL and PGlite); the same name must always carry the same text. */
  name: string;
  text: string;
  values: unknown[];
}

/** An ambient transaction: the client code inside `inTransaction` gets from db(), while it is open. */
interface Ambient {
  client: PrismaClient;
  open: boolean;
}

// The custom server (tsx) and Next's bundled route handlers each load their own copy of this
// module in one process; a PGlite data folder may be opened once per process, so the handle lives
// on globalThis and both copies share it — as does the ambient transaction's storage, so a verb
// from either copy joins a transaction opened by the other.
const KEY = Symbol.for("headroom.db");
type Slot = { handle?: Handle; opening?: Promise<Handle>; ambient?: AsyncLocalStorage<Ambient> };
const slot: Slot = ((globalThis as Record<symbol, Slot>)[KEY] ??= {});
const ambient: AsyncLocalStorage<Ambient> = (slot.ambient ??= new AsyncLocalStorage<Ambient>());

/**
 * The process's Prisma client (opens the configured database on first use) — or, inside
 * `inTransaction`, that transaction's client, so every verb called there writes in it.
 */
export function db(): PrismaClient {
  const tx = ambient.getStore();
  if (tx?.open) return tx.client;
  if (slot.handle) return slot.handle.prisma;
  const handle = openSync();
  slot.handle = handle;
  return handle.prisma;
}

export interface TransactionOptions {
  /** Longest the transaction may run (Prisma's default is 5 s). */
  timeout?: number;
  /** Longest to wait for a connection (PostgreSQL) or PGlite's single one. */
  maxWait?: number;
}

/**
 * Run `fn` in one transaction that everything inside shares: db() returns the transaction's
 * client, and a verb's own `db().$transaction(…)` runs in it (no nested transaction is opened —
 * PGlite has one connection, so a nested one would wait for this one forever). All of it commits
 * together or none of it does. Called inside an ambient transaction, `fn` simply joins it.
 * No network calls inside (Stripe…): the transaction holds its locks (and PGlite's only
 * connection) until it ends.
 */
export async function inTransaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>, options?: TransactionOptions): Promise<T> {
  const outer = ambient.getStore();
  if (outer?.open) return fn(outer.client);
  return db().$transaction(async (tx) => {
    const store: Ambient = { client: joiningClient(tx), open: true };
    try {
      return await ambient.run(store, () => fn(store.client));
    } finally {
      // Work that outlives the transaction (a timer started inside) falls back to the process's client.
      store.open = false;
    }
  }, options);
}

/**
 * The longest the gateway's per-request reads (lookupDb) wait on PostgreSQL — for a connection, then
 * for each answer — before the request is answered 503. Such a read takes a millisecond or two even
 * under load, so 5 s means the server stopped answering (hung, or cut off by the network: nothing is
 * refused, and TCP gives up only after ~15 minutes). It is of the order of the spend grant's 4 s lock
 * wait, the gateway's other bounded wait on the database, and short beside clients' own timeouts
 * (OpenAI's SDK waits 10 minutes, and retries a 503).
 */
export const LOOKUP_TIMEOUT_MS = 5_000;

/**
 * The same for everything else on Prisma (console, jobs, the gateway's background work): a backstop,
 * not a limit. Twice the longest transaction the app opens (month close's, 60 s, whose statements may
 * wait on an account's lock as long), so only a server that stopped answering reaches it — and its
 * connections are then closed and replaced, instead of held until TCP gives up (~15 minutes) or, on
 * a server that never answers them, forever: a lease renewal every 2 s would fill the pool.
 */
export const ANSWER_BACKSTOP_MS = 120_000;

/**
 * The client for the gateway's per-request reads — the API key, the account's state — where a
 * request waits on the answer. On PostgreSQL they have connections of their own that give up after
 * LOOKUP_TIMEOUT_MS, so a stalled server costs the caller a 503 within seconds instead of the whole
 * stall, and a connection given up on is closed, not reused: lookups succeed again as soon as the
 * server answers. Everything else keeps db() and ANSWER_BACKSTOP_MS: the console's and the jobs'
 * statements may rightly wait on an account's lock for as long as month close holds it (60 s).
 * Inside `inTransaction`, it is that transaction's client, as db() is.
 */
export function lookupDb(): PrismaClient {
  const tx = ambient.getStore();
  if (tx?.open) return tx.client;
  if (!slot.handle) db();
  return slot.handle!.lookups();
}

/** True inside `inTransaction` (e.g. to refuse network calls there). */
export function inAmbientTransaction(): boolean {
  return ambient.getStore()?.open === true;
}

/**
 * The transaction client as db() hands it out inside `inTransaction`: `$transaction(fn)` runs `fn`
 * on this same transaction, `$transaction([…])` runs the queries in it in order. Everything else is
 * the transaction client itself (no $connect/$disconnect/$extends: nothing inside a transaction
 * calls those).
 */
function joiningClient(tx: Prisma.TransactionClient): PrismaClient {
  const joined = async (arg: unknown) => {
    if (typeof arg === "function") return (arg as (t: Prisma.TransactionClient) => Promise<unknown>)(client as Prisma.TransactionClient);
    if (!Array.isArray(arg)) throw new TypeError("$transaction expects a function or an array of queries");
    const results: unknown[] = [];
    for (const query of arg as Promise<unknown>[]) results.push(await query);
    return results;
  };
  const client = new Proxy(tx, {
    get: (target, prop) => (prop === "$transaction" ? joined : Reflect.get(target, prop)),
  }) as unknown as PrismaClient;
  return client;
}

/** The longest a direct statement (the meter's flush) may run on PostgreSQL. */
export const DIRECT_STATEMENT_TIMEOUT_MS = 10_000;
/**
 * The longest the driver waits for its answer: a server that stopped answering altogether (hung,
 * or cut off by the network) never enforces its statement timeout, and TCP gives up only after
 * ~15 minutes — while responses wait on the flush.
 */
export const DIRECT_ANSWER_TIMEOUT_MS = DIRECT_STATEMENT_TIMEOUT_MS + 5_000;

/**
 * Run one statement on the driver under Prisma, for the few hot paths where Prisma's per-call
 * work dominates (the gateway's group-commit meter). The statement is prepared once per
 * connection and its plan reused; rows come back as the driver decodes them (int8 as a string on
 * PostgreSQL, a bigint on PGlite): callers convert. Not part of any Prisma transaction.
 */
export function directQuery(q: DirectQuery): Promise<Record<string, unknown>[]> {
  if (!slot.handle) db();
  return slot.handle!.query(q);
}

/**
 * Hear what other instances announce with `pg_notify(channel, payload)` (delivered when their
 * transaction commits) on a connection of its own, until closed or the database is closed. Null on
 * PGlite: one process opens the data folder, and it tells its own parts directly.
 */
export function listen(channel: string, onMessage: (payload: string) => void): Listener | null {
  if (!slot.handle) db();
  return slot.handle!.listen(channel, onMessage);
}

const NEVER_SENT = Symbol("headroom.neverSent");

/**
 * A pool whose connections give up on a server that stopped answering (`connectionTimeoutMillis`,
 * `query_timeout`). pg only stops waiting for a timed-out statement: the connection still expects
 * its answer, and the next statement would queue behind it. pg.Pool closes a connection handed back
 * with the error, but Prisma's adapter hands a transaction's connection back without one; so a
 * connection handed back still waiting on an answer is closed here instead of being reused.
 */
function boundedPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("release", (err, client) => {
    // Ending it before the pool looks at it: the pool drops a connection that is ending.
    if (!err && !(client as unknown as { readyForQuery: boolean }).readyForQuery) void client.end().catch(() => undefined);
  });
  pool.on("error", (err) => log.warn("database connection lost while idle", { error: err.message }));
  return pool;
}

/** Marks an error raised before a statement was sent (no connection could be had). */
function neverSent(err: unknown): unknown {
  const e = err instanceof Error ? err : new Error(String(err));
  (e as unknown as Record<symbol, boolean>)[NEVER_SENT] = true;
  return e;
}

/**
 * Whether a failed directQuery may have committed all the same: its connection was lost, or the
 * driver gave up waiting, after the statement was sent. An error the server answered the statement
 * with (severity ERROR) means its transaction rolled back; one raised before any connection was had
 * means nothing was sent; a FATAL or PANIC ends the session, possibly after the commit; PGlite runs
 * in this process, so its outcome is always known.
 */
export function outcomeUnknown(err: unknown): boolean {
  if (slot.handle?.kind !== "postgres") return false;
  if (err !== null && typeof err === "object" && (err as Record<symbol, unknown>)[NEVER_SENT] === true) return false;
  const e = err as { severity?: unknown; code?: unknown } | null;
  if (typeof e?.severity === "string" && typeof e.code === "string") return e.severity !== "ERROR";
  return true;
}

/** A bigint column of a directQuery row (sent as `::text`, or decoded as a bigint on PGlite), or null. */
export const bigintOrNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as string | bigint));

export function dbKind(): "postgres" | "pglite" {
  return slot.handle?.kind ?? (env().DATABASE_URL ? "postgres" : "pglite");
}

/** Use a given client as the process's database (tests, tools). */
export function setDb(handle: Handle): void {
  slot.handle = handle;
}

export async function closeDb(): Promise<void> {
  const handle = slot.handle;
  slot.handle = undefined;
  await handle?.close();
}

function openSync(): Handle {
  const url = env().DATABASE_URL;
  return url ? openPostgres(url) : openPglite(pgliteDir());
}

export function pgliteDir(): string {
  return path.resolve(env().HEADROOM_DATA_DIR, "db");
}

/** Connections for direct statements, besides Prisma's pool (the meter flushes up to 4 lanes at once). */
const DIRECT_CONNECTIONS = 4;
/** Connections for the gateway's lookups, besides Prisma's pool: each takes a millisecond or two. */
const LOOKUP_CONNECTIONS = 4;

export function openPostgres(url: string, max = 10): Handle {
  const pool = boundedPool({ connectionString: url, max, connectionTimeoutMillis: ANSWER_BACKSTOP_MS, query_timeout: ANSWER_BACKSTOP_MS });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let lookups: { pool: pg.Pool; prisma: PrismaClient } | null = null;
  const lookupClient = () => {
    if (lookups) return lookups.prisma;
    const lookupPool = boundedPool({
      connectionString: url,
      max: LOOKUP_CONNECTIONS,
      connectionTimeoutMillis: LOOKUP_TIMEOUT_MS,
      query_timeout: LOOKUP_TIMEOUT_MS,
    });
    // Their timeouts answer 503, not 500: lib/http/errors' isUnavailableError knows pg's timeout errors.
    lookups = { pool: lookupPool, prisma: new PrismaClient({ adapter: new PrismaPg(lookupPool) }) };
    return lookups.prisma;
  };
  // Direct statements get a few connections of their own that always use the generic plan of a
  // prepared statement: their texts are fixed and their parameters are arrays, whose sizes would
  // otherwise make PostgreSQL re-plan (~1 ms for the meter's statement) on every execution.
  let direct: pg.Pool | null = null;
  const directPool = () => {
    if (direct) return direct;
    // A meter flush takes milliseconds; one stalled (a lock held, the server hung) is cancelled, so
    // its records go back to the meter's queue — a response waiting on it hears within seconds.
    direct = new pg.Pool({
      connectionString: url,
      max: DIRECT_CONNECTIONS,
      options: `-c plan_cache_mode=force_generic_plan -c statement_timeout=${DIRECT_STATEMENT_TIMEOUT_MS}`,
      query_timeout: DIRECT_ANSWER_TIMEOUT_MS,
      // A connection opened to a server that stopped answering would wait for its greeting forever.
      connectionTimeoutMillis: DIRECT_ANSWER_TIMEOUT_MS,
    });
    // An idle connection the server closes (a restart, a failover, pg_terminate_backend) is an
    // 'error' on the pool; unhandled, it would take the whole process down. The pool drops that
    // connection and the next statement opens a new one.
    direct.on("error", (err) => log.warn("database connection lost while idle", { error: err.message }));
    return direct;
  };
  const listeners = new Set<Listener>();
  return {
    prisma,
    kind: "postgres",
    lookups: lookupClient,
    query: async (q) => {
      // Connecting and querying apart, as pool.query() does them, so a failure says whether the
      // statement was ever sent (outcomeUnknown).
      let client: pg.PoolClient;
      try {
        client = await directPool().connect();
      } catch (err) {
        throw neverSent(err);
      }
      // A checked-out client has no 'error' listener of the pool's: a connection lost mid-statement
      // would be an unhandled 'error' event (the process down). The statement fails with it anyway.
      const onError = () => undefined;
      client.on("error", onError);
      try {
        const rows = (await client.query(q)).rows as Record<string, unknown>[];
        client.removeListener("error", onError);
        client.release();
        return rows;
      } catch (err) {
        client.removeListener("error", onError);
        client.release(err as Error); // as pool.query(): the connection is discarded
        throw err;
      }
    },
    listen: (channel, onMessage) => {
      const l = pgListen(url, channel, onMessage);
      const listener: Listener = {
        close: () => {
          listeners.delete(listener);
          return l.close();
        },
      };
      listeners.add(listener);
      return listener;
    },
    close: async () => {
      await Promise.all([...listeners].map((l) => l.close()));
      await prisma.$disconnect();
      await pool.end();
      await lookups?.prisma.$disconnect();
      await lookups?.pool.end();
      await direct?.end();
    },
  };
}

const STATEMENT_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * PGlite's query() parses and plans every statement afresh (unnamed statements), and its planning
 * runs on this thread: the meter's statement cost ~1–1.5 ms of planning per flush. A named statement
 * is PREPAREd once on the connection (one generic plan) and run with EXECUTE, like pg's named
 * prepared statements on PostgreSQL.
 */
async function pgliteNamedQuery(pglite: PGlite, prepared: Map<string, Promise<void>>, q: DirectQuery): Promise<Record<string, unknown>[]> {
  if (!STATEMENT_NAME.test(q.name)) throw new Error(`statement name ${JSON.stringify(q.name)}: use lower-case letters, digits and _`);
  let ready = prepared.get(q.name);
  if (!ready) {
    ready = pglite.exec(`SET plan_cache_mode = force_generic_plan; PREPARE ${q.name} AS ${q.text}`).then(() => undefined);
    // A failed PREPARE is not remembered: the next call tries again.
    ready.catch(() => prepared.delete(q.name));
    prepared.set(q.name, ready);
  }
  await ready;
  // EXECUTE is a utility statement: it takes no bind parameters, so the arguments go in as string
  // literals (standard_conforming_strings is on: only a single quote needs doubling).
  const args = q.values.map((v) => {
    if (v === null || v === undefined) return "NULL";
    if (typeof v !== "string") throw new TypeError(`${q.name}: PGlite named statements take strings or null`);
    return `'${v.replace(/'/g, "''")}'`;
  });
  return (await pglite.query<Record<string, unknown>>(`EXECUTE ${q.name}(${args.join(", ")})`)).rows;
}

export function openPglite(dir: string | null): Handle {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const pglite = dir ? new PGlite(dir) : new PGlite();
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const prepared = new Map<string, Promise<void>>();
  return {
    prisma,
    kind: "pglite",
    pglite,
    // In-process: nothing to stall.
    lookups: () => prisma,
    // PGlite has one connection; its own lock keeps this out of a running Prisma transaction.
    query: (q) => pgliteNamedQuery(pglite, prepared, q),
    listen: () => null,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

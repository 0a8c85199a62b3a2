// The one database entry point: PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set,
// embedded PGlite (a data folder) when it is not. Nothing outside lib/db knows which is in use.
import path from "node:path";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/client";
import { env } from "../env";

export type Db = PrismaClient;
export type { Prisma } from "./generated/client";

export interface Handle {
  prisma: PrismaClient;
  kind: "postgres" | "pglite";
  /** The embedded engine itself, for running migrations before Prisma is used. */
  pglite?: PGlite;
  close: () => Promise<void>;
}

// The custom server (tsx) and Next's bundled route handlers each load their own copy of this
// module in one process; a PGlite data folder may be opened once per process, so the handle lives
// on globalThis and both copies share it.
const KEY = Symbol.for("headroom.db");
type Slot = { handle?: Handle; opening?: Promise<Handle> };
const slot: Slot = ((globalThis as Record<symbol, Slot>)[KEY] ??= {});

/** The process's Prisma client. Opens the configured database on first use. */
export function db(): PrismaClient {
  if (slot.handle) return slot.handle.prisma;
  const handle = openSync();
  slot.handle = handle;
  return handle.prisma;
}

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

export function openPostgres(url: string, max = 10): Handle {
  const adapter = new PrismaPg({ connectionString: url, max });
  const prisma = new PrismaClient({ adapter });
  return { prisma, kind: "postgres", close: () => prisma.$disconnect() };
}

export function openPglite(dir: string | null): Handle {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const pglite = dir ? new PGlite(dir) : new PGlite();
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: "pglite",
    pglite,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

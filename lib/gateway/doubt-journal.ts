// Withdrawn responses in doubt, kept on disk until they are settled. The meter settles such a
// response (answered 503 "not charged", though the flush carrying its usage may have committed) once
// the database answers again; a process killed before that (kill -9, a crash, an out-of-memory kill)
// would forget it, and a charge its client was told did not happen would stand. So each one is
// written here, and synced, before its client is answered; a settled one is struck off; and the next
// process started on the same data folder and database takes over what a dead one left, and settles
// it. Settling is idempotent (lib/billing/settle-withdrawn-charges.ts), so one settled twice — by a
// process and by the one that took over its file — costs nothing.
//
// One file per process, `<random>.jsonl` under the folder, created on its first entry (most
// processes never have one) and removed once everything in it is settled. Lines: a header naming the
// database (host, port, database name: never the password) and the process (host name, pid), then
// `{"add": {...}}` and `{"settled": [ids]}`. A file is taken over only by a process on the same
// database, and only once its writer is gone: on this host, its pid no longer runs (or is this very
// pid: an earlier process, e.g. a container restarted as pid 1); from another host sharing the
// folder, it has not been touched for STALE_MS (a writer touches its file every HEARTBEAT_MS).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import type { WithdrawnRequest } from "../billing/settle-withdrawn-charges";
import { errorSummary, log } from "../log";

/** How often a process with entries open touches its file: it is alive. */
const HEARTBEAT_MS = 15_000;
/** A file from another host untouched this long is its dead writer's. */
const STALE_MS = 4 * HEARTBEAT_MS;

export interface DoubtJournal {
  /** Records these, synced to disk, before their callers are answered. Throws if it cannot. */
  add(requests: WithdrawnRequest[]): void;
  /** These were settled: struck off (the file is removed once nothing in it is left). */
  settled(requestIds: string[]): void;
  /** What processes now gone left unsettled on this database; their files become this one's. */
  takeOver(): WithdrawnRequest[];
  /** Whether the folder can be written (checked at start-up, not first during an outage). */
  check(): string | null;
  /** Where this process's entries go. */
  readonly file: string;
}

const headerSchema = z.object({ database: z.string(), host: z.string(), pid: z.number().int() });
const entrySchema = z.object({
  requestId: z.string().min(1),
  accountId: z.string().min(1),
  apiKeyId: z.string().nullable(),
  modelId: z.string().min(1),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  n: z.number().int().positive(),
  latencyMs: z.number().int().nonnegative(),
  at: z.iso.datetime(),
});
const lineSchema = z.union([z.object({ add: entrySchema }), z.object({ settled: z.array(z.string()) })]);
type Entry = z.infer<typeof entrySchema>;

const toEntry = (r: WithdrawnRequest): Entry => ({
  requestId: r.requestId,
  accountId: r.accountId,
  apiKeyId: r.apiKeyId,
  modelId: r.modelId,
  promptTokens: r.promptTokens,
  completionTokens: r.completionTokens,
  n: r.n,
  latencyMs: r.latencyMs,
  at: r.at.toISOString(),
});

const fromEntry = (e: Entry): WithdrawnRequest => ({ ...e, at: new Date(e.at) });

/** The database a journal's entries belong to: host, port and database name of its URL (no credentials). */
export function databaseKey(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || "5432"}${url.pathname}`;
}

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // someone else's, but running
  }
};

type Owner = z.infer<typeof headerSchema>;

/** Whether the process that wrote a file (per its header) is gone, so the file may be taken over. */
function writerGone(owner: Owner, file: string, now: number): boolean {
  if (owner.host === os.hostname()) return owner.pid === process.pid || !running(owner.pid);
  return now - fs.statSync(file).mtimeMs > STALE_MS;
}

/** Makes a new file's name durable: its folder synced (where the platform allows it). */
function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    /* not supported here: the file's own sync still covers kill -9 */
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

interface Read {
  owner: Owner | null;
  /** The entries not struck off, in the order they were added. */
  open: Entry[];
  /** Lines that were not entries (cut short, or not ours). */
  skipped: number;
}

function readJournal(file: string): Read {
  const open = new Map<string, Entry>();
  let owner: Owner | null = null;
  let skipped = 0;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      // A line cut short by a crash: its caller was never answered (the write comes first).
      skipped++;
      continue;
    }
    if (i === 0) {
      const header = headerSchema.safeParse(parsed);
      // No header (a damaged file: one is renamed into place with its header): nothing to take over.
      if (!header.success) return { owner: null, open: [], skipped };
      owner = header.data;
      continue;
    }
    const item = lineSchema.safeParse(parsed);
    if (!item.success) {
      skipped++;
      continue;
    }
    if ("add" in item.data) open.set(item.data.add.requestId, item.data.add);
    else for (const id of item.data.settled) open.delete(id);
  }
  return { owner, open: [...open.values()], skipped };
}

export function fileDoubtJournal(dir: string, databaseUrl: string): DoubtJournal {
  const database = databaseKey(databaseUrl);
  const name = `${randomBytes(6).toString("hex")}.jsonl`;
  const file = path.join(dir, name);
  /** Request ids added and not yet settled. */
  const open = new Set<string>();
  let fd: number | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  // (fs.writeFileSync on a descriptor writes the whole text: a short write is continued, not dropped.)
  const openFile = (): number => {
    if (fd !== null) return fd;
    fs.mkdirSync(dir, { recursive: true });
    // The header is written under another name and the file renamed into place, so a file in the
    // folder always has one: another process starting meanwhile never sees it empty (and removes it).
    const partial = `${file}.partial`;
    try {
      fs.writeFileSync(partial, JSON.stringify({ database, host: os.hostname(), pid: process.pid }) + "\n", { flush: true });
      fs.renameSync(partial, file);
      syncFolder(dir);
    } catch (err) {
      fs.rmSync(partial, { force: true });
      throw err;
    }
    fd = fs.openSync(file, "a");
    // Alive: another host sharing the folder must not take this file over while it is in use.
    heartbeat = setInterval(() => {
      const now = new Date();
      if (fd !== null) fs.futimes(fd, now, now, () => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    return fd;
  };

  const closeFile = () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    if (fd !== null) fs.closeSync(fd);
    fd = null;
    fs.rmSync(file, { force: true });
  };

  const add = (requests: WithdrawnRequest[]) => {
    if (requests.length === 0) return;
    // Counted as open before the write: one written but not synced (the sync failed) must not let
    // the file be removed when the others are settled.
    for (const r of requests) open.add(r.requestId);
    const target = openFile();
    fs.writeFileSync(target, requests.map((r) => JSON.stringify({ add: toEntry(r) })).join("\n") + "\n");
    fs.fsyncSync(target);
  };

  return {
    file,
    add,
    settled(requestIds) {
      const ids = requestIds.filter((id) => open.has(id));
      if (ids.length === 0) return;
      for (const id of ids) open.delete(id);
      if (fd === null) return;
      // Nothing left to settle: the file goes (a fresh one is started if another doubt comes).
      if (open.size === 0) return closeFile();
      // Not synced: an entry struck off but found again after a crash is settled again, harmlessly.
      fs.writeFileSync(fd, JSON.stringify({ settled: ids }) + "\n");
    },
    check() {
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.accessSync(dir, fs.constants.W_OK);
        return null;
      } catch (err) {
        return errorSummary(err);
      }
    },
    takeOver() {
      let names: string[];
      try {
        names = fs.readdirSync(dir).filter((n) => n.endsWith(".jsonl") && n !== name);
      } catch {
        return []; // no folder: nothing was ever in doubt here
      }
      const taken: WithdrawnRequest[] = [];
      const otherDatabase: string[] = [];
      const now = Date.now();
      for (const other of names) {
        const otherFile = path.join(dir, other);
        try {
          const { owner, open: entries, skipped } = readJournal(otherFile);
          if (owner && owner.database !== database) {
            otherDatabase.push(other); // left for a process on that database
            continue;
          }
          if (owner && !writerGone(owner, otherFile, now)) continue; // its writer is still at work
          if (skipped > 0) log.warn("lines of a journal of withdrawn responses in doubt could not be read", { file: otherFile, skipped });
          // Copied into this process's own file (synced) before the other is removed.
          const fresh = entries.filter((e) => !open.has(e.requestId)).map(fromEntry);
          add(fresh);
          fs.rmSync(otherFile, { force: true });
          taken.push(...fresh);
        } catch (err) {
          log.error("could not take over a journal of withdrawn responses in doubt", { file: otherFile, error: errorSummary(err) });
        }
      }
      // Another database, or the same one under another address (a new host name, port or pooler):
      // said at every start, so an operator who moved the database sees what was left behind.
      if (otherDatabase.length > 0)
        log.warn("journals of withdrawn responses in doubt for another database address left alone", {
          dir,
          database,
          files: otherDatabase,
        });
      if (taken.length > 0)
        log.warn("withdrawn responses left in doubt by a process that stopped: settling them", {
          requestIds: taken.map((t) => t.requestId),
        });
      return taken;
    },
  };
}

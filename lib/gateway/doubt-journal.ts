// Withdrawn responses in doubt, kept on disk until they are settled. The meter settles such a
// response (answered 503 "not charged", though the flush carrying its usage may have committed) once
// the database answers again; a process killed before that (kill -9, a crash, an out-of-memory kill)
// would forget it, and a charge its client was told did not happen would stand. So each one is
// written here, and synced, before its client is answered; a settled one is struck off; and the next
// process started on the same data folder and database takes over what a dead one left, and settles
// it. Settling is idempotent (lib/billing/settle-withdrawn-charges.ts), so one settled twice — by a
// process and by the one that took over its file — costs nothing.
//
// One file per process, `<pid>-<random>.jsonl` under the folder, created on its first entry (most
// processes never have one) and removed once everything in it is settled. Lines: a header naming the
// database (host, port, database name: never the password), then `{"add": {...}}` and
// `{"settled": [ids]}`. A file is taken over only by a process on the same database, and only once
// the process that wrote it is gone (or when it names this very pid: a container restarted as pid 1).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { WithdrawnRequest } from "../billing/settle-withdrawn-charges";
import { errorSummary, log } from "../log";

export interface DoubtJournal {
  /** Records these, synced to disk, before their callers are answered. */
  add(requests: WithdrawnRequest[]): void;
  /** These were settled: struck off (the file is removed once nothing in it is left). */
  settled(requestIds: string[]): void;
  /** What processes now gone left unsettled on this database; their files become this one's. */
  takeOver(): WithdrawnRequest[];
  /** Where this process's entries go. */
  readonly file: string;
}

/** A WithdrawnRequest as written: its time as ISO text. */
type Entry = Omit<WithdrawnRequest, "at"> & { at: string };

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

const alive = (pid: number): boolean => {
  if (pid === process.pid) return false; // an earlier process with this pid (a restarted container)
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // someone else's, but running
  }
};

/** The entries of a journal file not struck off, in the order they were added; null if it is another database's. */
function readJournal(file: string, database: string): Entry[] | null {
  const open = new Map<string, Entry>();
  const lines = fs.readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    let parsed: { database?: string; add?: Entry; settled?: string[] };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      // A line cut short by the crash: its caller was never answered (the write comes first). A cut
      // header means nothing was added after it.
      if (i === 0) return [];
      continue;
    }
    if (i === 0) {
      if (parsed.database !== database) return null;
      continue;
    }
    if (parsed.add) open.set(parsed.add.requestId, parsed.add);
    for (const id of parsed.settled ?? []) open.delete(id);
  }
  return [...open.values()];
}

export function fileDoubtJournal(dir: string, databaseUrl: string): DoubtJournal {
  const database = databaseKey(databaseUrl);
  const name = `${process.pid}-${randomBytes(4).toString("hex")}.jsonl`;
  const file = path.join(dir, name);
  /** Request ids added and not yet settled. */
  const open = new Set<string>();
  let fd: number | null = null;

  const append = (lines: object[], sync: boolean) => {
    if (fd === null) {
      fs.mkdirSync(dir, { recursive: true });
      fd = fs.openSync(file, "a");
      fs.writeSync(fd, JSON.stringify({ database }) + "\n");
    }
    fs.writeSync(fd, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    if (sync) fs.fsyncSync(fd);
  };

  const add = (requests: WithdrawnRequest[]) => {
    if (requests.length === 0) return;
    append(
      requests.map((r) => ({ add: toEntry(r) })),
      true,
    );
    for (const r of requests) open.add(r.requestId);
  };

  return {
    file,
    add,
    settled(requestIds) {
      const ids = requestIds.filter((id) => open.has(id));
      if (ids.length === 0 || fd === null) return;
      for (const id of ids) open.delete(id);
      if (open.size === 0) {
        // Nothing left to settle: the file goes (a fresh one is started if another doubt comes).
        fs.closeSync(fd);
        fd = null;
        fs.rmSync(file, { force: true });
        return;
      }
      // Not synced: an entry struck off but found again after a crash is settled again, harmlessly.
      append([{ settled: ids }], false);
    },
    takeOver() {
      let names: string[];
      try {
        names = fs.readdirSync(dir).filter((n) => n.endsWith(".jsonl") && n !== name);
      } catch {
        return []; // no folder: nothing was ever in doubt here
      }
      const taken: WithdrawnRequest[] = [];
      for (const other of names) {
        const pid = Number(other.split("-")[0]);
        if (!Number.isInteger(pid) || alive(pid)) continue;
        const otherFile = path.join(dir, other);
        try {
          const entries = readJournal(otherFile, database);
          if (entries === null) continue; // another database's: left for a process on that one
          // Copied into this process's own file (synced) before the other is removed.
          const fresh = entries.filter((e) => !open.has(e.requestId)).map(fromEntry);
          add(fresh);
          fs.rmSync(otherFile, { force: true });
          taken.push(...fresh);
        } catch (err) {
          log.error("could not take over a journal of withdrawn responses in doubt", { file: otherFile, error: errorSummary(err) });
        }
      }
      if (taken.length > 0)
        log.warn("withdrawn responses left in doubt by a process that stopped: settling them", {
          requestIds: taken.map((t) => t.requestId),
        });
      return taken;
    },
  };
}

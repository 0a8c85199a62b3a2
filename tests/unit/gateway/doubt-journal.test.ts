// The journal of withdrawn responses in doubt (lib/gateway/doubt-journal.ts), on a real folder: what
// one process adds and has not settled is what the next process on the same database takes over —
// never a running process's, never another database's — and nothing is left once all is settled.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { WithdrawnRequest } from "@/lib/billing/settle-withdrawn-charges";
import { databaseKey, fileDoubtJournal } from "@/lib/gateway/doubt-journal";

const DB = "postgresql://app:secret@db.internal:5433/headroom";
const OTHER_DB = "postgresql://app:secret@db.internal:5433/staging";
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "headroom-doubts-"));
  dirs.push(d);
  return path.join(d, "meter-doubts");
};

const request = (requestId: string): WithdrawnRequest => ({
  requestId,
  accountId: "acct_1",
  apiKeyId: requestId.endsWith("9") ? null : "key_1",
  modelId: "model_1",
  promptTokens: 12,
  completionTokens: 34,
  n: 1,
  latencyMs: 56,
  at: new Date("2026-12-08T01:02:03.456Z"),
});

/** A pid no process has now: a child's, once it has exited. */
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!;

/** Rewrite a journal file's header as if another process (host, pid) had written it; optionally last touched `ageMs` ago. */
function asWrittenBy(file: string, owner: { host?: string; pid: number }, ageMs = 0): string {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const header = JSON.parse(lines[0]!) as { database: string; host: string; pid: number };
  lines[0] = JSON.stringify({ ...header, host: owner.host ?? header.host, pid: owner.pid });
  fs.writeFileSync(file, lines.join("\n"));
  const at = new Date(Date.now() - ageMs);
  fs.utimesSync(file, at, at);
  return file;
}

describe("doubt journal", () => {
  it("names the database by host, port and name, never its credentials", () => {
    expect(databaseKey(DB)).toBe("db.internal:5433/headroom");
    expect(databaseKey("postgresql://postgres@127.0.0.1/x")).toBe("127.0.0.1:5432/x");
  });

  it("writes nothing until something is in doubt, and removes its file once all of it is settled", () => {
    const dir = tmpDir();
    const journal = fileDoubtJournal(dir, DB);
    expect(fs.existsSync(dir)).toBe(false);
    journal.add([request("req_a"), request("req_b")]);
    const text = fs.readFileSync(journal.file, "utf8");
    expect(text).not.toContain("secret");
    expect(JSON.parse(text.split("\n")[0]!)).toEqual({ database: "db.internal:5433/headroom", host: os.hostname(), pid: process.pid });
    journal.settled(["req_a", "req_unknown"]);
    expect(fs.existsSync(journal.file)).toBe(true);
    journal.settled(["req_b"]);
    expect(fs.existsSync(journal.file)).toBe(false);
    // Another doubt later starts a fresh file.
    journal.add([request("req_c")]);
    expect(fs.readFileSync(journal.file, "utf8")).toContain('"requestId":"req_c"');
  });

  it("a process gone: the next one on the same database takes over exactly what it had not settled, as written", () => {
    const dir = tmpDir();
    const killed = fileDoubtJournal(dir, DB);
    killed.add([request("req_1"), request("req_2")]);
    killed.add([request("req_9")]);
    killed.settled(["req_2"]);
    asWrittenBy(killed.file, { pid: deadPid() });

    const next = fileDoubtJournal(dir, DB);
    const taken = next.takeOver();
    expect(taken).toEqual([request("req_1"), request("req_9")]);
    // Now the next process's own: the dead one's file is gone, and settling them clears the folder.
    expect(fs.readdirSync(dir)).toEqual([path.basename(next.file)]);
    expect(next.takeOver()).toEqual([]);
    next.settled(["req_1", "req_9"]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("leaves a running process's file, and another database's, alone", () => {
    const dir = tmpDir();
    const running = fileDoubtJournal(dir, DB);
    running.add([request("req_running")]);
    const runningFile = asWrittenBy(running.file, { pid: process.ppid }); // a live process on this host, not this one
    const staging = fileDoubtJournal(dir, OTHER_DB);
    staging.add([request("req_staging")]);
    const stagingFile = asWrittenBy(staging.file, { pid: deadPid() });

    expect(fileDoubtJournal(dir, DB).takeOver()).toEqual([]);
    expect(fs.existsSync(runningFile)).toBe(true);
    expect(fs.existsSync(stagingFile)).toBe(true);
    // A process on the staging database takes its own.
    expect(
      fileDoubtJournal(dir, OTHER_DB)
        .takeOver()
        .map((r) => r.requestId),
    ).toEqual(["req_staging"]);
  });

  it("another host's file (a shared folder): left alone while it is touched, taken over once it has gone stale", () => {
    const dir = tmpDir();
    const elsewhere = fileDoubtJournal(dir, DB);
    elsewhere.add([request("req_elsewhere")]);
    // Its pid means nothing here (this process's own, say): only its last touch counts.
    asWrittenBy(elsewhere.file, { host: "another-host", pid: process.pid }, 10_000);
    expect(fileDoubtJournal(dir, DB).takeOver()).toEqual([]);
    asWrittenBy(elsewhere.file, { host: "another-host", pid: process.pid }, 5 * 60_000);
    expect(
      fileDoubtJournal(dir, DB)
        .takeOver()
        .map((r) => r.requestId),
    ).toEqual(["req_elsewhere"]);
  });

  it("an entry that is not one (edited, corrupted) is skipped, not settled", () => {
    const dir = tmpDir();
    const killed = fileDoubtJournal(dir, DB);
    killed.add([request("req_good")]);
    fs.appendFileSync(killed.file, JSON.stringify({ add: { ...request("req_bad"), at: "yesterday" } }) + "\n");
    fs.appendFileSync(killed.file, JSON.stringify({ add: { requestId: "req_partial" } }) + "\n");
    asWrittenBy(killed.file, { pid: deadPid() });
    expect(
      fileDoubtJournal(dir, DB)
        .takeOver()
        .map((r) => r.requestId),
    ).toEqual(["req_good"]);
  });

  it("a file written under this very pid by an earlier process (a restarted container) is taken over", () => {
    const dir = tmpDir();
    const before = fileDoubtJournal(dir, DB);
    before.add([request("req_before_restart")]);
    expect(
      fileDoubtJournal(dir, DB)
        .takeOver()
        .map((r) => r.requestId),
    ).toEqual(["req_before_restart"]);
  });

  it("a line cut short by the crash is skipped; the lines before it count", () => {
    const dir = tmpDir();
    const killed = fileDoubtJournal(dir, DB);
    killed.add([request("req_whole")]);
    fs.appendFileSync(killed.file, '{"add":{"requestId":"req_cut","accou');
    asWrittenBy(killed.file, { pid: deadPid() });
    expect(
      fileDoubtJournal(dir, DB)
        .takeOver()
        .map((r) => r.requestId),
    ).toEqual(["req_whole"]);
  });
});

// Graceful shutdown (issue: "drains in-flight requests and flushes the meter"): Headroom started
// exactly as `npm start` does gets SIGTERM while streams are mid-answer. It stops taking new
// connections at once, every stream already running ends normally with [DONE], each of them is
// charged once (not as abandoned), and the whole process group is gone within seconds. Without
// anyone reading its output (an interrupted test run), it stops too, instead of spinning.
import http from "node:http";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../security/server-harness";
import { closeDb, db, openPglite, setDb } from "@/lib/db";

const KEY = "hr_shutdownTestKey0000000000000000000000000";
const STREAMS = 6;
let server: RunningServer | undefined;
afterAll(async () => {
  await closeDb().catch(() => undefined);
  await server?.stop();
});

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Streamed {
  status: number;
  requestId: string | null;
  text: string;
  endedAt: number;
}

/** A stream: `answering` resolves when its response has begun (headers in), `done` when it has ended. */
function stream(url: string): { answering: Promise<void>; done: Promise<Streamed> } {
  let begun: () => void = () => undefined;
  const answering = new Promise<void>((resolve) => (begun = resolve));
  const done = (async () => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "hr-small-8b",
        messages: [{ role: "user", content: "Tell me a long story." }],
        max_tokens: 60,
        stream: true,
      }),
    });
    begun(); // headers in: the stream is being answered
    const text = await res.text();
    return { status: res.status, requestId: res.headers.get("x-request-id"), text, endedAt: Date.now() };
  })();
  // A stream that fails before its headers ends the wait too (its failure is reported by `done`).
  done.then(begun, begun);
  return { answering, done };
}

describe("graceful shutdown", () => {
  it("on SIGTERM (even delivered twice), in-flight streams finish and are charged once; new connections are refused; the process exits", async () => {
    // 60 tokens at 20 a second: each stream takes about three seconds.
    server = await startServer({ HEADROOM_DEMO_API_KEY: KEY, HEADROOM_SIM_TOKENS_PER_SECOND: "20", HEADROOM_SIM_FIRST_TOKEN_MS: "0" });
    const running = Array.from({ length: STREAMS }, () => stream(server!.url));
    // Every stream mid-answer when the signal comes. (A fixed pause was not always enough on a loaded
    // machine: a connection the server had not yet accepted when it stopped listening was reset by
    // the kernel — it never reached Headroom.)
    await Promise.all(running.map((r) => r.answering));
    await new Promise((r) => setTimeout(r, 200));
    const signalled = Date.now();
    process.kill(-server.pgid, "SIGTERM");
    // Delivered again moments later, as `npm start` forwards the signal its whole group got: still one drain.
    await new Promise((r) => setTimeout(r, 50));
    process.kill(-server.pgid, "SIGTERM");

    // Not accepting any more: a new connection is refused while the streams are still running.
    let refused = false;
    for (let i = 0; i < 20 && !refused; i++) {
      await new Promise((r) => setTimeout(r, 100));
      refused = await fetch(`${server.url}/api/health`).then(
        () => false,
        () => true,
      );
    }
    expect(refused).toBe(true);

    const results = await Promise.all(running.map((r) => r.done));
    for (const r of results) {
      expect(r.endedAt).toBeGreaterThan(signalled); // still streaming when the signal came
      expect(r.status).toBe(200);
      expect(r.text.trimEnd().endsWith("data: [DONE]")).toBe(true);
      expect(r.text).not.toContain('"error"');
    }
    while (groupAlive(server.pgid) && Date.now() - signalled < 15_000) await new Promise((r) => setTimeout(r, 100));
    expect(groupAlive(server.pgid)).toBe(false);
    expect(server.output()).toContain("shutting down");

    // The meter was flushed before the database closed: one record per stream, charged as served.
    setDb(openPglite(path.join(server.dataDir, "db")));
    const ids = results.map((r) => r.requestId!);
    const records = await db().usageRecord.findMany({ where: { requestId: { in: ids } }, select: { streamed: true, abandoned: true } });
    expect(records).toHaveLength(STREAMS);
    expect(records.every((r) => r.streamed && !r.abandoned)).toBe(true);
    expect(await db().ledgerEntry.count({ where: { idempotencyKey: { in: ids.map((id) => `usage:${id}`) } } })).toBe(STREAMS);
  }, 180_000);

  it("stops by itself when the process reading its output is gone, instead of spinning on write errors", async () => {
    server = await startServer({ HEADROOM_DEMO_API_KEY: KEY });
    server.closeOutput();
    // Anything it logs now fails to write: a webhook with a bad signature is refused with a warning.
    // On a connection of its own — a socket kept alive from the health checks may be closed under it
    // — and it may find the server already stopping: a background job can log first, which starts
    // the same shutdown (its listener closed, or the connection closed as it drains).
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request(
        `${server!.url}/api/stripe/webhook`,
        { method: "POST", agent: false, headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=bad" } },
        (res) => {
          res.resume();
          resolve(String(res.statusCode));
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
      req.end("{}");
    });
    expect(["400", "ECONNREFUSED", "ECONNRESET"]).toContain(outcome);
    const closed = Date.now();
    while (groupAlive(server.pgid) && Date.now() - closed < 30_000) await new Promise((r) => setTimeout(r, 100));
    expect(groupAlive(server.pgid)).toBe(false);
  }, 180_000);
});

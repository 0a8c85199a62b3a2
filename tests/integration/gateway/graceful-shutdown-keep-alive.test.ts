// Graceful shutdown with keep-alive clients (the openai SDK, a load balancer's connection pool):
// Headroom started exactly as `npm start` does gets SIGTERM while a plain (non-streaming) answer
// is in flight on a pooled socket. The answer still completes, but with `Connection: close`; a
// request that arrives on a kept-alive socket during the drain is not served as usual (503 for
// /v1 and for the health probe); and the process exits right after the last response instead of
// waiting out the 65 s keep-alive. A second run checks the drain's deadline (HEADROOM_DRAIN_TIMEOUT_MS).
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../security/server-harness";
import { closeDb, db, openPglite, setDb } from "@/lib/db";

const KEY = "hr_shutdownKeepAliveKey00000000000000000000";
const KEEP_ALIVE_MS = 65_000; // server.ts's keepAliveTimeout: what an undrained socket would hold the process for
let server: RunningServer | undefined;
afterEach(async () => {
  await closeDb().catch(() => undefined);
  await server?.stop();
  server = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** When the process group was gone (polling), or null if it was still there `withinMs` after `from`. */
async function exitTime(pgid: number, from: number, withinMs: number): Promise<number | null> {
  while (groupAlive(pgid)) {
    if (Date.now() - from > withinMs) return null;
    await sleep(50);
  }
  return Date.now();
}

const chatBody = (stream: boolean) =>
  JSON.stringify({
    model: "hr-small-8b",
    messages: [{ role: "user", content: "Tell me a long story." }],
    max_tokens: 40,
    stream,
  });

interface Answer {
  status: number;
  connection: string | undefined;
  requestId: string | undefined;
  body: string;
  /** The whole body arrived (false: the connection was cut mid-answer). */
  complete: boolean;
  endedAt: number;
}

/** One request through a keep-alive agent, as the openai SDK and pooling proxies send them. */
function send(agent: http.Agent, url: string, opts: { method: string; path: string; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${opts.path}`,
      {
        agent,
        method: opts.method,
        headers: { authorization: `Bearer ${KEY}`, ...(opts.body ? { "content-type": "application/json" } : {}) },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("error", () => undefined); // a cut answer: reported as complete: false
        res.on("close", () =>
          resolve({
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            requestId: res.headers["x-request-id"] as string | undefined,
            body,
            complete: res.complete,
            endedAt: Date.now(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** The server's log lines on one line (time, message, fields), so a CI summary that keeps one line keeps them all. */
function logDigest(output: string): string {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => {
      try {
        const { t, level, msg, ...fields } = JSON.parse(line) as { t: string; level: string; msg: string };
        return `${t.slice(11, 23)} ${level} ${msg} ${JSON.stringify(fields)}`;
      } catch {
        return line;
      }
    })
    .join(" | ");
}

/** A whole response with a Content-Length body has arrived. */
function responseComplete(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  const length = end < 0 ? null : /\r\ncontent-length: (\d+)/i.exec(text.slice(0, end));
  return length !== null && Buffer.byteLength(text.slice(end + 4)) >= Number(length[1]);
}

/**
 * A kept-alive socket whose next request is already on the wire when the drain begins: after one
 * whole exchange (kept alive), the next request's first lines are sent now, the rest by `finish()`.
 * Its answer is whatever arrives before the socket closes (or within 8 s, so an answer kept alive
 * does not hang the test).
 */
async function keptAliveSocket(port: number, head: string, rest: string): Promise<{ finish: () => Promise<string> }> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  socket.setEncoding("utf8");
  socket.on("data", (c: string) => (received += c));
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => undefined);
  socket.write(`GET /v1/models HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${KEY}\r\n\r\n`);
  for (const until = Date.now() + 10_000; !responseComplete(received) && Date.now() < until;) await sleep(10);
  expect(received).toMatch(/^HTTP\/1\.1 200 [^]*\r\nconnection: keep-alive\r\n/i);
  received = "";
  socket.write(head);
  return {
    finish: async () => {
      socket.write(rest);
      await Promise.race([closed, sleep(8_000)]);
      socket.destroy();
      return received;
    },
  };
}

describe("graceful shutdown with keep-alive clients", () => {
  it("closes kept-alive sockets: the in-flight answer ends with Connection: close, late requests get 503, the process exits right after", async () => {
    // 40 tokens at 20 a second: the plain answer takes about two seconds.
    server = await startServer({ HEADROOM_DEMO_API_KEY: KEY, HEADROOM_SIM_TOKENS_PER_SECOND: "20", HEADROOM_SIM_FIRST_TOKEN_MS: "0" });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // The pool's one socket is kept alive by the server (before the drain).
    const warm = await send(agent, server.url, { method: "GET", path: "/v1/models" });
    expect(warm.status).toBe(200);
    expect(warm.connection).toBe("keep-alive");

    const inFlight = send(agent, server.url, { method: "POST", path: "/v1/chat/completions", body: chatBody(false) });
    // A stream on another pooled socket: its headers (keep-alive) are out before the signal, so the
    // server must close that socket itself once the stream ends.
    const streamAgent = new http.Agent({ keepAlive: true });
    const streaming = send(streamAgent, server.url, { method: "POST", path: "/v1/chat/completions", body: chatBody(true) });
    const lateBody = chatBody(false);
    const lateApi = await keptAliveSocket(
      server.port,
      "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n",
      `Authorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(lateBody)}\r\n\r\n${lateBody}`,
    );
    const lateProbe = await keptAliveSocket(server.port, "GET /api/health HTTP/1.1\r\nHost: localhost\r\n", "\r\n");
    await sleep(600);
    const signalled = Date.now();
    process.kill(-server.pgid, "SIGTERM");
    await sleep(300);

    // Requests that arrive during the drain on sockets kept alive from before it: refused, and closed.
    const [api, probe] = await Promise.all([lateApi.finish(), lateProbe.finish()]);
    expect(api).toMatch(/^HTTP\/1\.1 503 /);
    expect(api).toMatch(/\r\nconnection: close\r\n/i);
    const refusal = JSON.parse(api.slice(api.indexOf("\r\n\r\n") + 4)) as {
      error: { message: string; type: string; code: string; request_id?: string };
    };
    expect(refusal.error.message).toMatch(/shutting down/);
    expect(refusal.error.code).toBe("service_unavailable");
    // Refused before authentication, it still has a request id, in the header and in the body.
    const refusalId = /\r\nx-request-id: (\S+)\r\n/i.exec(api.slice(0, api.indexOf("\r\n\r\n") + 2))?.[1];
    expect(refusalId).toMatch(/^req_/);
    expect(refusal.error.request_id).toBe(refusalId);
    expect(probe).toMatch(/^HTTP\/1\.1 503 /); // the load balancer takes the instance out
    expect(probe).toMatch(/\r\nconnection: close\r\n/i);

    // The plain answer in flight completes, telling the client not to reuse the socket.
    const answer = await inFlight;
    expect(answer.endedAt).toBeGreaterThan(signalled);
    expect(answer.status).toBe(200);
    expect(answer.complete).toBe(true);
    expect(answer.connection).toBe("close");
    expect((JSON.parse(answer.body) as { choices: unknown[] }).choices).toHaveLength(1);
    const stream = await streaming;
    expect(stream.endedAt).toBeGreaterThan(signalled);
    expect(stream.body.trimEnd().endsWith("data: [DONE]")).toBe(true);
    const lastResponse = Math.max(answer.endedAt, stream.endedAt);

    // The pool's next request: never a normal keep-alive answer on the old socket (here the pool
    // opens a new connection, which the stopped listener refuses).
    const next = await send(agent, server.url, { method: "GET", path: "/v1/models" }).then(
      (r) => `${r.status} ${r.connection}`,
      (err: NodeJS.ErrnoException) => err.code ?? "error",
    );
    expect(next).not.toBe("200 keep-alive");

    // Gone right after the last response, not after the keep-alive timeout (the agents keep their
    // sockets open for as long as the server does).
    const exited = await exitTime(server.pgid, lastResponse, 20_000);
    console.log(
      `keep-alive drain: last response ${lastResponse - signalled} ms after SIGTERM, exit ${exited ? exited - lastResponse : "> 20000"} ms after it`,
    );
    agent.destroy();
    streamAgent.destroy();
    if (exited === null) {
      // What it was stuck on: its shutdown's own deadline (the drain's 25 s + 10 s) logs the step.
      await exitTime(server.pgid, signalled, 40_000);
      expect.fail(`still running 20 s after the last response; its log: ${logDigest(server.output())}\nit printed:\n${server.output()}`);
    }
    expect(exited! - lastResponse).toBeLessThan(5_000);
    expect(exited! - lastResponse).toBeLessThan(KEEP_ALIVE_MS);
    expect(server.output()).toContain('"msg":"drained"');

    // The meter was flushed before the database closed: both answers are charged, once each.
    setDb(openPglite(path.join(server.dataDir, "db")));
    const ids = [answer.requestId!, stream.requestId!];
    const records = await db().usageRecord.findMany({ where: { requestId: { in: ids } }, select: { abandoned: true } });
    expect(records).toEqual([{ abandoned: false }, { abandoned: false }]);
  }, 180_000);

  it("cuts what is still running at the drain deadline (HEADROOM_DRAIN_TIMEOUT_MS), logs how many, and exits", async () => {
    // 40 tokens at 4 a second: the stream would take ten seconds; the deadline is 8 s, past the
    // drain's first progress line (at 5 s).
    server = await startServer({
      HEADROOM_DEMO_API_KEY: KEY,
      HEADROOM_SIM_TOKENS_PER_SECOND: "4",
      HEADROOM_SIM_FIRST_TOKEN_MS: "0",
      HEADROOM_DRAIN_TIMEOUT_MS: "8000",
    });
    const agent = new http.Agent({ keepAlive: true });
    const streaming = send(agent, server.url, { method: "POST", path: "/v1/chat/completions", body: chatBody(true) });
    await sleep(600);
    const signalled = Date.now();
    process.kill(-server.pgid, "SIGTERM");

    const exited = await exitTime(server.pgid, signalled, 25_000);
    console.log(`drain deadline 8000 ms: exit ${exited ? exited - signalled : "> 25000"} ms after SIGTERM`);
    expect(exited, `still running 25 s after SIGTERM; its log: ${logDigest(server.output())}`).not.toBeNull();
    expect(exited! - signalled).toBeGreaterThanOrEqual(8_000);
    expect(exited! - signalled).toBeLessThan(12_500);
    // While it waited, the drain said what for: the one stream, on its one connection.
    expect(server.output()).toMatch(/"msg":"still draining","connections":1,"inFlight":1,"deadlineMs":8000/);
    const cut = await streaming;
    expect(cut.status).toBe(200);
    expect(cut.complete).toBe(false);
    expect(cut.body).not.toContain("[DONE]");
    expect(server.output()).toMatch(/"msg":"drain deadline reached[^\n]*"cut":1\b/);
    agent.destroy();

    // Cut, it is still metered (the meter is flushed after the drain): as abandoned, for what was sent.
    setDb(openPglite(path.join(server.dataDir, "db")));
    const records = await db().usageRecord.findMany({
      where: { requestId: cut.requestId! },
      select: { streamed: true, abandoned: true, completionTokens: true },
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ streamed: true, abandoned: true });
    expect(records[0]!.completionTokens).toBeGreaterThan(0);
    expect(records[0]!.completionTokens).toBeLessThan(40);
  }, 180_000);
});

// Hostile input to the enforcing API over real HTTP through the Node fast path (what `npm start`
// serves on /v1): malformed JSON, wrong content types, giant bodies, absurd `n` and token counts,
// header and request-line tricks, raw protocol abuse. Never a 500, never internals in a response,
// always an x-request-id; a refused request consumes nothing and writes nothing.
import net from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeGateway } from "@/lib/gateway/context";
import { MAX_GATEWAY_BODY_BYTES } from "@/lib/gateway/pipeline";
import { setupTestDatabase } from "../helpers/test-db";
import { createAccountFixture, createModelFixture, type AccountFixture } from "../helpers/fixtures";
import { startGatewayServer } from "../helpers/gateway-server";
import { hostileBody, hostileContentType, HOSTILE_NUMBERS, HOSTILE_STRINGS, leak, Pairs, Raw, toJsonText } from "./hostile";

setupTestDatabase();

let server: { url: string; close: () => Promise<void> };
let acct: AccountFixture;
let model: string;
beforeAll(async () => {
  server = await startGatewayServer("fast-path");
  model = (await createModelFixture({ baseRpm: 100_000, capRpm: 100_000, tokensPerSecond: 0 })).name;
  acct = await createAccountFixture({ tier: "tier4", creditsMicros: 50_000_000n });
});
afterAll(async () => {
  await server?.close();
  await closeGateway();
});

const ALLOWED = new Set([200, 400, 401, 402, 404, 405, 413, 415, 429]);

async function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const init: RequestInit & { duplex?: string } = {
    method: "POST",
    headers: { authorization: `Bearer ${acct.apiKey}`, "content-type": "application/json", ...headers },
    body,
  };
  if (body instanceof ReadableStream) init.duplex = "half";
  const res = await fetch(`${server.url}${path}`, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const counts = async () => [await db().usageRecord.count(), await db().ledgerEntry.count()];

function checkResponse(res: { status: number; headers: Headers; text: string }, input: string) {
  expect(ALLOWED.has(res.status), `${res.status} ← ${input.slice(0, 200)}: ${res.text.slice(0, 300)}`).toBe(true);
  expect(res.headers.get("x-request-id"), input.slice(0, 200)).toMatch(/^req_/);
  expect(leak(res.text), input.slice(0, 200)).toBeNull();
  expect(res.headers.get("set-cookie")).toBeNull();
}

describe("/v1 fast path: hostile bodies", () => {
  const valid = () => ({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 4 });

  it("fast-check bodies and content types: never a 500; a refused request writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/v1/chat/completions", "/v1/completions"),
        hostileBody(valid()),
        hostileContentType,
        async (path, body, contentType) => {
          const before = await counts();
          const res = await post(path, body, contentType ? { "content-type": contentType } : {});
          checkResponse(res, `${path} ${contentType} ${body}`);
          if (res.status !== 200) expect(await counts()).toEqual(before);
        },
      ),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 60) },
    );
  });

  it("named cases: the status and the field named", async () => {
    const cases: [unknown, number, string?][] = [
      ["{not json", 400],
      ["", 400],
      ["[]", 400],
      ["null", 400],
      [{ ...valid(), n: new Raw("1000000000") }, 400, "n"],
      [{ ...valid(), n: new Raw("1e309") }, 400, "n"],
      [{ ...valid(), n: new Raw("9223372036854775808") }, 400, "n"],
      [{ ...valid(), n: 0 }, 400, "n"],
      [{ ...valid(), n: -1 }, 400, "n"],
      [{ ...valid(), n: 1.5 }, 400, "n"],
      [{ ...valid(), max_tokens: -5 }, 400, "max_tokens"],
      [{ ...valid(), max_tokens: new Raw("-1e309") }, 400, "max_tokens"],
      [{ ...valid(), max_tokens: new Raw("18446744073709551616") }, 400, "max_tokens"],
      [{ ...valid(), max_completion_tokens: -1 }, 400, "max_completion_tokens"],
      [{ ...valid(), temperature: new Raw("1e309") }, 400, "temperature"],
      [{ ...valid(), messages: [] }, 400, "messages"],
      [{ ...valid(), messages: "hi" }, 400, "messages"],
      [{ ...valid(), model: "a\u0000b" }, 404, "model"],
      [{ ...valid(), model: "\u202Eevil" }, 404, "model"],
      [{ ...valid(), model: "x".repeat(300) }, 400, "model"],
      [new Pairs([...Object.entries(valid()), ["model", "no-such-model"]]), 404, "model"], // duplicate key: the last wins
      [new Pairs([["__proto__", { stream: true }], ...Object.entries(valid())]), 200],
      [{ ...valid(), messages: [{ role: "user", content: "🙂\u0000\u202E مرحبا" }] }, 200],
      [{ ...valid(), n: 128, max_tokens: 1_000_000 }, 400, "max_tokens"], // more than the context window holds
    ];
    for (const [body, status, param] of cases) {
      const text = typeof body === "string" ? body : toJsonText(body);
      const before = await counts();
      const res = await post("/v1/chat/completions", text);
      checkResponse(res, text);
      expect(res.status, `${text.slice(0, 120)}: ${res.text}`).toBe(status);
      if (param) expect(JSON.parse(res.text).error.param, text.slice(0, 120)).toBe(param);
      if (status !== 200) expect(await counts()).toEqual(before);
      else expect(res.headers.get("content-type")).toContain("application/json");
    }
    for (const s of HOSTILE_STRINGS) {
      const res = await post("/v1/completions", toJsonText({ model, prompt: s, max_tokens: 2 }));
      checkResponse(res, s);
    }
    for (const n of HOSTILE_NUMBERS) {
      const res = await post("/v1/completions", toJsonText({ model, prompt: "x", max_tokens: new Raw(n) }));
      checkResponse(res, n);
    }
  });

  it("a pathological prompt (one 900 KB word) is counted in linear time, not BPE's quadratic", async () => {
    for (const path of ["/v1/chat/completions", "/v1/completions"]) {
      const text = "x".repeat(900_000);
      const body =
        path === "/v1/completions"
          ? { model, prompt: text, max_tokens: 1 }
          : { model, messages: [{ role: "user", content: text }], max_tokens: 1 };
      const started = performance.now();
      const res = await post(path, JSON.stringify(body));
      checkResponse(res, "900 KB word");
      // Before the fix: minutes of CPU on the event loop (200 KB took 56 s), stalling every request.
      expect(performance.now() - started).toBeLessThan(5_000);
    }
  });

  it("wrong content types are 415 (form posts from a browser cannot reach the API)", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await post("/v1/chat/completions", JSON.stringify(valid()), { "content-type": type });
      checkResponse(res, type);
      expect(res.status).toBe(415);
    }
  });

  it("a giant body is refused with 413, declared or streamed, without reading it all", async () => {
    const big = JSON.stringify({ ...valid(), messages: [{ role: "user", content: "x".repeat(MAX_GATEWAY_BODY_BYTES) }] });
    const declared = await post("/v1/chat/completions", big);
    checkResponse(declared, "giant");
    expect(declared.status).toBe(413);
    let sent = 0;
    const chunk = new TextEncoder().encode("x".repeat(256 * 1024));
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        if (sent > 256 * MAX_GATEWAY_BODY_BYTES) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await post("/v1/chat/completions", endless).catch((err: Error) => ({
      status: -1,
      headers: new Headers(),
      text: err.message,
    }));
    // Either the 413 arrives, or the server closes the connection once past the limit: never a 200/500.
    expect([413, -1]).toContain(streamed.status);
    expect(sent).toBeLessThan(64 * MAX_GATEWAY_BODY_BYTES);
    // The server is still serving.
    expect((await post("/v1/chat/completions", JSON.stringify(valid()))).status).toBe(200);
  });
});

describe("/v1 fast path: headers and the protocol", () => {
  async function raw(request: string): Promise<string> {
    const { port } = new URL(server.url);
    return new Promise((resolve) => {
      const socket = net.connect(Number(port), "127.0.0.1");
      let out = "";
      socket.on("data", (d) => (out += d.toString("latin1")));
      socket.on("end", () => resolve(out));
      socket.on("error", () => resolve(out));
      socket.setTimeout(3000, () => socket.destroy());
      socket.on("close", () => resolve(out));
      socket.write(request);
    });
  }

  it("authorization header tricks are 401, and nothing is reflected into response headers", async () => {
    for (const auth of [
      `Bearer ${acct.apiKey} extra`,
      `Bearer  ${acct.apiKey.slice(0, -1)}`,
      `Basic ${Buffer.from(`${acct.apiKey}:`).toString("base64")}`,
      `Bearer ${"A".repeat(8000)}`,
      `Bearer hr_${"0".repeat(40)}`,
      "Bearer ' OR 1=1 --",
      "",
    ]) {
      const res = await fetch(`${server.url}/v1/models`, { headers: { authorization: auth } }).catch(() => null);
      if (!res) continue; // the client refused to send it: fine
      expect(res.status, auth.slice(0, 40)).toBe(401);
      expect(res.headers.get("x-request-id")).toMatch(/^req_/);
      await res.text();
    }
    // CRLF in the path or a header value cannot split the response.
    const split = await raw(
      `GET /v1/models%0d%0aSet-Cookie:%20injected=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${acct.apiKey}\r\nConnection: close\r\n\r\n`,
    );
    expect(split).toMatch(/^HTTP\/1\.1 404/);
    const head = split.split("\r\n\r\n")[0]!.toLowerCase();
    expect(head).not.toContain("set-cookie");
    expect(head).not.toContain("injected");
    const folded = await raw(`GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\n X-Folded: 1\r\nConnection: close\r\n\r\n`);
    expect(folded).toMatch(/^HTTP\/1\.1 4\d\d/);
  });

  it("request smuggling and garbage get a 4xx from the HTTP parser, and the server stays up", async () => {
    const body = JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 2 });
    const attempts = [
      // Content-Length and Transfer-Encoding together.
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${acct.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n`,
      // Two different Content-Lengths.
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      "GARBAGE\r\n\r\n",
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`,
      `GET /${"a".repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ];
    for (const a of attempts) {
      const out = await raw(a);
      expect(out === "" || /^HTTP\/1\.1 4\d\d/.test(out), out.slice(0, 200)).toBe(true);
      expect(out).not.toMatch(/HTTP\/1\.1 200[\s\S]*HTTP\/1\.1 200/); // no second (smuggled) response
    }
    const ok = await post("/v1/chat/completions", body);
    expect(ok.status).toBe(200);
  });

  it("an endless chunked upload gets its 413 and the connection is closed (not drained forever)", async () => {
    const { port } = new URL(server.url);
    const outcome = await new Promise<{ head: string; closedAfterMs: number; sent: number }>((resolve) => {
      const socket = net.connect(Number(port), "127.0.0.1");
      const started = Date.now();
      let head = "";
      let sent = 0;
      const chunk = `${(64 * 1024).toString(16)}\r\n${"x".repeat(64 * 1024)}\r\n`;
      const pump = setInterval(() => {
        if (!socket.destroyed && socket.writable) {
          socket.write(chunk);
          sent += 64 * 1024;
        }
      }, 2);
      socket.on("data", (d) => (head += d.toString("latin1")));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearInterval(pump);
        resolve({ head, closedAfterMs: Date.now() - started, sent });
      });
      setTimeout(() => socket.destroy(), 15_000);
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${acct.apiKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
    });
    expect(outcome.head).toMatch(/^HTTP\/1\.1 413/);
    expect(outcome.closedAfterMs).toBeLessThan(10_000);
  });

  it("unknown paths and methods are 404/405 in the §7 shape", async () => {
    for (const [method, path, status] of [
      ["GET", "/v1/chat/completions", 405],
      ["DELETE", "/v1/models", 405],
      ["GET", "/v1/../api/v1/account", 404],
      ["GET", "/v1/%2e%2e/api/v1/account", 404],
      ["POST", "/v1/embeddings", 404],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${acct.apiKey}` } });
      const text = await res.text();
      checkResponse({ status: res.status, headers: res.headers, text }, path);
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(JSON.parse(text).error.code).toEqual(expect.any(String));
    }
  });
});

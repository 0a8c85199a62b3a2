// pg's own timeouts read as "the database is not answering" (503 service_unavailable), as a refused
// connection does — not as a bug (500). The errors are the driver's own, raised against a server that
// accepts connections and then never answers (a hung PostgreSQL, or one cut off by the network).
import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isUnavailableError, toAppError } from "@/lib/http/errors";

let silent: net.Server;
let port: number;
const sockets = new Set<net.Socket>();
beforeAll(async () => {
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  port = (silent.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

describe("isUnavailableError: pg's timeouts", () => {
  it("a pool that cannot get a connection in time: 'Connection terminated due to connection timeout'", async () => {
    const pool = new pg.Pool({ host: "127.0.0.1", port, user: "x", database: "x", connectionTimeoutMillis: 150, max: 1 });
    const err = await failure(() => pool.query("select 1"));
    await pool.end().catch(() => undefined);
    expect((err as Error).message).toMatch(/connection timeout/);
    expect(isUnavailableError(err)).toBe(true);
    expect(toAppError(err).status).toBe(503);
  });

  it("a pool whose connections are all busy: 'timeout exceeded when trying to connect'", async () => {
    const pool = new pg.Pool({ host: "127.0.0.1", port, user: "x", database: "x", connectionTimeoutMillis: 300, max: 1 });
    // The pool's one connection is still being opened (the server never greets it).
    const first = failure(() => pool.query("select 1"));
    const err = await failure(() => pool.connect());
    await first;
    await pool.end().catch(() => undefined);
    expect((err as Error).message).toBe("timeout exceeded when trying to connect");
    expect(isUnavailableError(err)).toBe(true);
    expect(toAppError(err).code).toBe("service_unavailable");
  });

  it("an answer not read in time: 'Query read timeout'", async () => {
    // A client whose connection is up (faked greeting) but whose query is never answered.
    const greeter = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.once("data", () => {
        // AuthenticationOk, then ReadyForQuery (idle): the connection counts as open.
        socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]));
        socket.write(Buffer.from([0x5a, 0, 0, 0, 5, 0x49]));
      });
    });
    await new Promise<void>((resolve) => greeter.listen(0, "127.0.0.1", resolve));
    const client = new pg.Client({
      host: "127.0.0.1",
      port: (greeter.address() as net.AddressInfo).port,
      user: "x",
      database: "x",
      query_timeout: 150,
    });
    await client.connect();
    const err = await failure(() => client.query("select 1"));
    client.end().catch(() => undefined);
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => greeter.close(() => resolve()));
    expect((err as Error).message).toBe("Query read timeout");
    expect(isUnavailableError(err)).toBe(true);
    expect(toAppError(err).status).toBe(503);
  });

  it("an ordinary error is still a bug (500), not unavailability", () => {
    expect(isUnavailableError(new Error("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(toAppError(new TypeError("x is not a function")).status).toBe(500);
  });
});

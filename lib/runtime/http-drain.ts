// Draining the HTTP server on shutdown (SIGTERM): stop listening, let what is in flight finish,
// and keep no keep-alive socket open past its last response. Without this a pooled client (the
// openai SDK, a load balancer) holds the process up for the keep-alive timeout (65 s), or for ever
// if it keeps sending on its socket.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { AppError } from "../http/errors";

/**
 * After the deadline cuts them, how long the handlers of cut requests get to finish: a cut stream
 * still records what it generated (charged as abandoned) before the meter is flushed.
 */
const CUT_SETTLE_MS = 2_000;

export interface DrainResult {
  /** Requests whose responses were still open at the deadline: their connections were destroyed. */
  cut: number;
  /** Handlers still running when shutdown went on without them (their usage may not be metered). */
  unsettled: number;
}

/** A request's handler; its promise settles when all its work is done (usage metered included). */
export type Handler = () => void | Promise<void>;

export interface HttpDrain {
  /**
   * Every request goes through here: tracked until its response is closed and its handler's work
   * is done. During the drain, a late /v1 request is answered here instead (a 503).
   */
  serve(req: IncomingMessage, res: ServerResponse, handler: Handler): void;
  readonly draining: boolean;
  /**
   * Stop listening and wait until every connection is closed and every handler has settled; at the
   * deadline, destroy the connections still open and give their handlers CUT_SETTLE_MS.
   */
  drain(deadlineMs: number): Promise<DrainResult>;
}

/** Tells the client not to reuse the socket: Node then closes it once this response is sent. */
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader("connection", "close");
}

/**
 * A /v1 request that arrives during the drain (on a socket kept alive from before it) is refused
 * rather than served. It has not started — nothing admitted, nothing charged — so a retry is safe,
 * and the openai SDKs and proxies retry a 503 on a new connection, which reaches an instance that
 * is staying up. Served, it would start new work (a stream can run for minutes) that the deadline
 * might cut halfway. Console and /api requests are short, and a browser would show a 503 as an
 * error page: they are served, with `Connection: close` (the health probe answers 503 itself).
 */
function refuseLate(res: ServerResponse): void {
  const err = new AppError("service_unavailable", "Headroom is shutting down on this instance; retry the request.");
  const body = JSON.stringify(err.body());
  res.writeHead(err.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "retry-after": "1",
    connection: "close",
  });
  res.end(body);
}

const delay = (ms: number) =>
  new Promise<"timeout">((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), ms);
    // Never what keeps the process alive: the drain's other side ends, or this one does.
    timer.unref();
  });

export function createHttpDrain(server: Server): HttpDrain {
  const open = new Set<ServerResponse>();
  /** Handlers not settled yet; `idle` is told when the count reaches zero. */
  let working = 0;
  let idle: (() => void) | null = null;
  let draining = false;
  let drained: Promise<DrainResult> | undefined;

  // Shared listeners, not a closure per request: this runs for every request the server takes.
  function closed(this: ServerResponse): void {
    open.delete(this);
    // Its socket is idle now (unless a pipelined request waits on it): close it at once rather
    // than wait for the client's next request or the keep-alive timeout.
    if (draining) server.closeIdleConnections();
  }
  const settled = (): void => {
    working--;
    if (working === 0) idle?.();
  };

  const serve = (req: IncomingMessage, res: ServerResponse, handler: Handler): void => {
    if (draining) {
      if (req.url?.startsWith("/v1/")) return refuseLate(res);
      closeAfter(res);
    }
    open.add(res);
    res.once("close", closed);
    const work = handler();
    if (!work) return;
    // The handler catches its own errors; this only watches for the end.
    working++;
    work.then(settled, settled);
  };

  /** Every connection closed and every handler settled, including those that start meanwhile. */
  const quiet = async (sockets: Promise<void>): Promise<"quiet"> => {
    await sockets;
    if (working > 0) await new Promise<void>((resolve) => (idle = resolve));
    return "quiet";
  };

  const drain = async (deadlineMs: number): Promise<DrainResult> => {
    draining = true;
    // Answers not started yet go out with `Connection: close`; those already under way end on a
    // socket that the "close" listener above then closes.
    for (const res of open) closeAfter(res);
    // close() stops listening and closes the idle sockets; its callback runs once none are left.
    const sockets = new Promise<void>((resolve) => server.close(() => resolve()));
    const done = quiet(sockets);
    if ((await Promise.race([done, delay(deadlineMs)])) === "quiet") return { cut: 0, unsettled: 0 };
    const cut = open.size;
    server.closeAllConnections();
    await Promise.race([done, delay(CUT_SETTLE_MS)]);
    return { cut, unsettled: working };
  };

  return {
    serve,
    drain: (deadlineMs) => (drained ??= drain(deadlineMs)),
    get draining() {
      return draining;
    },
  };
}

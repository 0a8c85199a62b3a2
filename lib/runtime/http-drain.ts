// Draining the HTTP server on shutdown (SIGTERM): stop listening, let what is in flight finish,
// and keep no keep-alive socket open past its last response. Without this a pooled client (the
// openai SDK, a load balancer) holds the process up for the keep-alive timeout (65 s), or for ever
// if it keeps sending on its socket.
//
// Nothing is tracked per request until a drain starts: the /v1 fast path counts its own requests
// in flight (fastPathWork in lib/gateway/node-adapter.ts) and adds `Connection: close` to what it
// answers once draining; a set, a listener and a promise reaction per request here measurably
// raised the garbage collector's work, ~15 µs of CPU per request at peak. During the drain, sockets
// are closed as soon as they are idle (checked every IDLE_SWEEP_MS).
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { AppError } from "../http/errors";
import { newRequestId } from "../http/request-id";
import { log } from "../log";

/**
 * After the deadline cuts them, how long the handlers of cut requests get to finish: a cut stream
 * still records what it generated (charged as abandoned) before the meter is flushed.
 */
const CUT_SETTLE_MS = 2_000;
/** During the drain, how often sockets that went idle are closed. */
const IDLE_SWEEP_MS = 20;
/** During a long drain, how often it logs what it is still waiting for. */
const PROGRESS_LOG_MS = 5_000;

export interface DrainResult {
  /** Connections still open at the deadline: destroyed, their requests cut. */
  cut: number;
  /** /v1 requests still running when shutdown went on without them (their usage may not be metered). */
  unsettled: number;
}

/** The /v1 fast path's own count of requests in flight (lib/gateway/node-adapter.ts fastPathWork). */
export interface InFlightWork {
  inFlight: number;
  draining: boolean;
  idle: (() => void) | null;
}

export interface HttpDrain {
  /**
   * For a request arriving during the drain: true when it was answered here (a /v1 request: 503);
   * false when it is to be served, its answer marked `Connection: close`.
   */
  answeredLate(req: IncomingMessage, res: ServerResponse): boolean;
  readonly draining: boolean;
  /**
   * Stop listening and wait until every connection is closed and the fast path's work is done; at
   * the deadline, destroy the connections still open and give their handlers CUT_SETTLE_MS.
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
  // Answered before authentication, yet with a fresh request id like every other gateway error
  // (header and body): a client or proxy that keeps request ids has one for this refusal too.
  const requestId = newRequestId();
  const err = new AppError("service_unavailable", "Headroom is shutting down on this instance; retry the request.");
  const body = JSON.stringify(err.body(requestId));
  res.writeHead(err.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "retry-after": "1",
    "x-request-id": requestId,
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

export function createHttpDrain(server: Server, work: InFlightWork): HttpDrain {
  let draining = false;
  let drained: Promise<DrainResult> | undefined;

  const answeredLate = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.url?.startsWith("/v1/")) {
      refuseLate(res);
      return true;
    }
    closeAfter(res);
    return false;
  };

  /** Every connection closed, and no fast-path request still at work (a cut stream recording its usage). */
  const quiet = async (sockets: Promise<void>): Promise<"quiet"> => {
    await sockets;
    if (work.inFlight > 0) await new Promise<void>((resolve) => (work.idle = resolve));
    return "quiet";
  };

  const openConnections = () => new Promise<number>((resolve) => server.getConnections((err, n) => resolve(err ? 0 : n)));

  const drain = async (deadlineMs: number): Promise<DrainResult> => {
    draining = true;
    work.draining = true;
    // close() stops listening and closes the idle sockets; its callback runs once none are left.
    // Sockets still answering are closed once idle by the sweep (their answers say Connection: close
    // if they had not started: the fast path's from `work.draining`, late ones from serve()).
    const sockets = new Promise<void>((resolve) => server.close(() => resolve()));
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    // A drain that takes long (a stream running for minutes, a client that keeps its socket busy) says
    // what it waits for, so a shutdown that reaches its deadline is explained in the log.
    const progress = setInterval(() => {
      void openConnections().then((connections) => log.info("still draining", { connections, inFlight: work.inFlight, deadlineMs }));
    }, PROGRESS_LOG_MS);
    progress.unref();
    try {
      const done = quiet(sockets);
      if ((await Promise.race([done, delay(deadlineMs)])) === "quiet") return { cut: 0, unsettled: 0 };
      const cut = await openConnections();
      server.closeAllConnections();
      await Promise.race([done, delay(CUT_SETTLE_MS)]);
      return { cut, unsettled: work.inFlight };
    } finally {
      clearInterval(sweep);
      clearInterval(progress);
    }
  };

  return {
    answeredLate,
    drain: (deadlineMs) => (drained ??= drain(deadlineMs)),
    get draining() {
      return draining;
    },
  };
}

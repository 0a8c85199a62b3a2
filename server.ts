// Headroom's HTTP server: Next.js for the console and /api, plus a fast path that hands /v1/* to
// the same lib/gateway pipeline the app/v1 route handlers use (Next's handler caps throughput at
// ~1k req/s on 2 cores; a plain Node handler does ~35k).
import http from "node:http";
import path from "node:path";
import next from "next";
import { CLIENT_IP_HEADER, resolveClientIp } from "./lib/http/client-ip";
import { log } from "./lib/log";
import { createHttpDrain, type DrainResult, type InFlightWork } from "./lib/runtime/http-drain";

export interface FastPath {
  (req: http.IncomingMessage, res: http.ServerResponse): void;
}

export interface StartedServer {
  server: http.Server;
  url: string;
  /** True from the start of close(): the instance is shutting down (GET /api/health answers 503). */
  draining: () => boolean;
  /**
   * Drain: stop listening, answer what is in flight with `Connection: close`, close each socket as
   * it goes idle; after `deadlineMs`, destroy the connections still open (lib/runtime/http-drain.ts).
   */
  close: (deadlineMs: number) => Promise<DrainResult>;
}

export async function startHttpServer(opts: {
  port: number;
  hostname?: string;
  dev?: boolean;
  fastPath?: FastPath;
  /** The fast path's own count of requests in flight, which a graceful shutdown waits for. */
  fastPathWork?: InFlightWork;
  /** Proxies in front of this server whose X-Forwarded-For entries are trusted (HEADROOM_TRUSTED_PROXIES). */
  trustedProxies?: number;
}): Promise<StartedServer> {
  const app = next({
    dev: opts.dev ?? false,
    dir: path.resolve(import.meta.dirname),
    hostname: opts.hostname ?? "localhost",
    port: opts.port,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer();
  server.keepAliveTimeout = 65_000;
  const drain = createHttpDrain(server, opts.fastPathWork ?? { inFlight: 0, draining: false, idle: null });
  const route = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (opts.fastPath && req.url?.startsWith("/v1/")) return opts.fastPath(req, res);
    // The caller's address for the console's throttles, worked out here (routes cannot see the
    // socket); a value the client sent in this header is overwritten.
    req.headers[CLIENT_IP_HEADER] = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], opts.trustedProxies ?? 0);
    handle(req, res).catch((err: unknown) => {
      log.error("unhandled request error", { url: req.url, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Internal error", type: "server_error", code: "internal_error" } }));
    });
  };
  // During a shutdown's drain a request may be answered there instead (lib/runtime/http-drain.ts).
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (drain.draining && drain.answeredLate(req, res)) return;
    route(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.hostname ?? "0.0.0.0", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  return {
    server,
    url: `http://localhost:${port}`,
    draining: () => drain.draining,
    close: (deadlineMs) => drain.drain(deadlineMs),
  };
}

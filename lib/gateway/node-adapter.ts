// The /v1 fast path: Node's http request/response → the gateway pipeline → back (server.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "../http/errors";
import { handleGateway } from "./pipeline";
import type { GatewayRequest } from "./types";

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      req.resume();
      return reject(new AppError("payload_too_large", `The request body is larger than ${limit} bytes.`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new AppError("payload_too_large", `The request body is larger than ${limit} bytes.`));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * The request as the pipeline sees it. Its abort signal is made on first use: most requests are
 * answered without ever needing one. (A class: an object literal with a getter would get its own
 * hidden class in the old generation and keep the request alive through young collections.)
 */
class NodeGatewayRequest implements GatewayRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
  readonly contentType: string | null;
  gone = false;
  private abort: AbortController | null = null;

  constructor(private readonly req: IncomingMessage) {
    this.method = req.method ?? "GET";
    this.path = req.url ?? "/";
    this.authorization = req.headers.authorization ?? null;
    this.contentType = req.headers["content-type"] ?? null;
  }

  readBody(limit: number): Promise<string> {
    return readBody(this.req, limit);
  }

  get signal(): AbortSignal {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.gone) this.abort.abort();
    }
    return this.abort.signal;
  }

  /** The client went away before the response was finished. */
  clientGone(): void {
    this.gone = true;
    this.abort?.abort();
  }
}

/**
 * The fast path's requests in flight, and whether the server is draining (shutting down): a graceful
 * shutdown (lib/runtime/http-drain.ts) waits until no request's work is left — a stream cut short
 * included, once its usage is recorded — and while draining every answer says `Connection: close`.
 * A counter kept inside each request's own async function: tracking requests from outside (a set,
 * a listener, a promise reaction per request) measurably raised the GC's work and cost ~15 µs of
 * CPU per request at peak.
 */
export const fastPathWork = {
  inFlight: 0,
  draining: false,
  idle: null as (() => void) | null,
};

export function nodeGatewayHandler(req: IncomingMessage, res: ServerResponse): void {
  const input = new NodeGatewayRequest(req);
  res.on("close", () => {
    if (!res.writableFinished) input.clientGone();
  });
  fastPathWork.inFlight++;
  void respond(input, res);
}

async function respond(input: NodeGatewayRequest, res: ServerResponse): Promise<void> {
  try {
    const result = await handleGateway(input);
    if (!result.stream) {
      // A refused oversized upload may still be arriving: close the connection after answering, so
      // the client cannot keep streaming bytes into a socket we only drain. Shutting down: the same.
      const close = result.status === 413 || fastPathWork.draining ? { connection: "close" } : {};
      res.writeHead(result.status, { ...result.headers, ...close, "content-length": Buffer.byteLength(result.body ?? "") });
      res.end(result.body);
      return;
    }
    res.writeHead(result.status, fastPathWork.draining ? { ...result.headers, connection: "close" } : result.headers);
    res.flushHeaders();
    const stream = result.stream;
    try {
      for await (const chunk of stream) {
        if (input.gone) break;
        if (!res.write(chunk)) await drained(res);
      }
    } finally {
      if (input.gone) await stream.return(undefined);
      res.end();
    }
  } catch {
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end();
  } finally {
    if (--fastPathWork.inFlight === 0) fastPathWork.idle?.();
  }
}

/** The socket took the buffered chunks, or closed; the listeners go either way (a long stream waits often). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

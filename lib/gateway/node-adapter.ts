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

export function nodeGatewayHandler(req: IncomingMessage, res: ServerResponse): void {
  // The abort signal is made on first use: most requests are answered without ever needing one.
  let abort: AbortController | null = null;
  let gone = false;
  res.on("close", () => {
    if (res.writableFinished) return;
    gone = true;
    abort?.abort();
  });
  const signal = (): AbortSignal => {
    if (!abort) {
      abort = new AbortController();
      if (gone) abort.abort();
    }
    return abort.signal;
  };
  const input: GatewayRequest = {
    method: req.method ?? "GET",
    path: req.url ?? "/",
    authorization: req.headers.authorization ?? null,
    contentType: req.headers["content-type"] ?? null,
    readBody: (limit) => readBody(req, limit),
    get signal() {
      return signal();
    },
  };
  void (async () => {
    const result = await handleGateway(input);
    if (!result.stream) {
      // A refused oversized upload may still be arriving: close the connection after answering, so
      // the client cannot keep streaming bytes into a socket we only drain.
      const close = result.status === 413 ? { connection: "close" } : {};
      res.writeHead(result.status, { ...result.headers, ...close, "content-length": Buffer.byteLength(result.body ?? "") });
      res.end(result.body);
      return;
    }
    res.writeHead(result.status, result.headers);
    res.flushHeaders();
    const stream = result.stream;
    try {
      for await (const chunk of stream) {
        if (gone) break;
        if (!res.write(chunk)) await new Promise<void>((r) => (res.once("drain", r), res.once("close", r)));
      }
    } finally {
      if (gone) await stream.return(undefined);
      res.end();
    }
  })().catch(() => {
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end();
  });
}

// Serve the gateway pipeline over real HTTP for SDK tests, through either entry point: the Node
// fast path (server.ts uses it) or the Web Request adapter (the app/v1 route handlers use it).
import http from "node:http";
import { Readable } from "node:stream";
import { afterAll, beforeAll } from "vitest";
import { closeGateway } from "@/lib/gateway/context";
import { nodeGatewayHandler } from "@/lib/gateway/node-adapter";
import { webGatewayHandler } from "@/lib/gateway/web-adapter";

export type EntryPoint = "fast-path" | "route-handler";

function viaWebAdapter(req: http.IncomingMessage, res: http.ServerResponse): void {
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    signal: abort.signal,
    // @ts-expect-error Node's fetch needs duplex for streamed bodies
    duplex: "half",
  });
  void webGatewayHandler(request).then(async (response) => {
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return res.end();
    const reader = response.body.getReader();
    abort.signal.addEventListener("abort", () => void reader.cancel());
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {
      /* client went away */
    }
    res.end();
  });
}

export async function startGatewayServer(entry: EntryPoint = "fast-path"): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(entry === "fast-path" ? nodeGatewayHandler : viaWebAdapter);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A test file's gateway server: started before its tests, closed after them together with the
 * process's gateway parts (the meter drained, leases returned). `url` is readable once tests run.
 */
export function setupGatewayServer(entry: EntryPoint = "fast-path"): { readonly url: string } {
  let server: Awaited<ReturnType<typeof startGatewayServer>> | undefined;
  beforeAll(async () => {
    server = await startGatewayServer(entry);
  });
  afterAll(async () => {
    await server?.close();
    await closeGateway();
  });
  return {
    get url() {
      if (!server) throw new Error("setupGatewayServer: the server starts in beforeAll; read url inside a test or hook");
      return server.url;
    },
  };
}

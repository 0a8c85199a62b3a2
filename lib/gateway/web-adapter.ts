// The portable entry point: a Web Request (Next route handlers under app/v1) → the same pipeline.
import { AppError } from "../http/errors";
import { handleGateway } from "./pipeline";

async function readLimited(req: Request, limit: number): Promise<string> {
  if (Number(req.headers.get("content-length") ?? "0") > limit)
    throw new AppError("payload_too_large", `The request body is larger than ${limit} bytes.`);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AppError("payload_too_large", `The request body is larger than ${limit} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function webGatewayHandler(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const result = await handleGateway({
    method: req.method,
    path: url.pathname,
    authorization: req.headers.get("authorization"),
    contentType: req.headers.get("content-type"),
    readBody: (limit) => readLimited(req, limit),
    signal: req.signal,
  });
  if (!result.stream) return new Response(result.body, { status: result.status, headers: result.headers });
  const iterator = result.stream;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
  return new Response(body, { status: result.status, headers: result.headers });
}

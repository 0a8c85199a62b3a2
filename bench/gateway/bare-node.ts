// Baseline (a): a bare Node http server that parses the body and returns a fixed completion.
import http from "node:http";
import { FIXED_COMPLETION } from "./fixed";

const payload = JSON.stringify(FIXED_COMPLETION);
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    JSON.parse(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
    res.end(payload);
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`ready ${(server.address() as { port: number }).port}`);
});

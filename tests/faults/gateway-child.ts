// A gateway instance for the fault harness: the /v1 fast path (the same handler server.ts mounts)
// on the database in DATABASE_URL and the rate-limit store in REDIS_URL, as `npm start` wires them
// (initGateway). Prints "ready <port>" once listening. Killed with SIGKILL by the harness.
import http from "node:http";
import { prepareDatabase } from "@/lib/db/prepare";
import { initGateway } from "@/lib/gateway/context";
import { nodeGatewayHandler } from "@/lib/gateway/node-adapter";

await prepareDatabase();
await initGateway({ redisUrl: process.env.REDIS_URL || undefined });
const server = http.createServer(nodeGatewayHandler);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`ready ${(server.address() as { port: number }).port}`);
});

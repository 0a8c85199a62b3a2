// A gateway instance for the fault harness: the /v1 fast path (the same handler server.ts mounts)
// on the database in DATABASE_URL and the rate-limit store in REDIS_URL, as `npm start` wires them
// (initGateway, with the meter's journal in HEADROOM_DATA_DIR). Prints "ready <port>" once
// listening. Killed with SIGKILL by the harness.
import http from "node:http";
import { prepareDatabase } from "@/lib/db/prepare";
import { initGateway } from "@/lib/gateway/context";
import { nodeGatewayHandler } from "@/lib/gateway/node-adapter";

await prepareDatabase();
// Responses withdrawn in doubt are journaled in the data folder, which every app the harness starts
// shares: one SIGKILLed before settling them leaves them to the next.
await initGateway({
  redisUrl: process.env.REDIS_URL || undefined,
  journal: { dataDir: process.env.HEADROOM_DATA_DIR!, databaseUrl: process.env.DATABASE_URL! },
});
const server = http.createServer(nodeGatewayHandler);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`ready ${(server.address() as { port: number }).port}`);
});

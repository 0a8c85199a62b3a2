// A gateway process for crash tests: opens the database from the environment (DATABASE_URL or the
// PGlite folder HEADROOM_DATA_DIR), serves the /v1 fast path on PORT and prints "ready <port>".
import http from "node:http";
import { prepareDatabase } from "@/lib/db/prepare";
import { nodeGatewayHandler } from "@/lib/gateway/node-adapter";

await prepareDatabase();
const server = http.createServer(nodeGatewayHandler);
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`ready ${(server.address() as { port: number }).port}`);
});

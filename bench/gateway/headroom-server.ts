// Headroom as `npm start` runs it (server.ts: Next + the /v1 fast path), on the configuration in
// the environment (DATABASE_URL / REDIS_URL / HEADROOM_DATA_DIR), for the benchmark.
import { runHeadroom } from "../../lib/runtime/run-headroom";

process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret";
(process.env as Record<string, string>).NODE_ENV = "production";
await runHeadroom({
  root: process.cwd(),
  port: Number(process.env.PORT),
  dataDir: process.env.HEADROOM_DATA_DIR ?? "/tmp/headroom-bench",
  webhookSecret: "whsec_bench",
});

// Start every part of a Headroom instance in this process and stop them cleanly on SIGTERM/SIGINT.
import { env, resetEnv } from "../env";
import { closeDb, dbKind } from "../db";
import { prepareDatabase } from "../db/prepare";
import { seedDemo, DEMO_EMAIL, OPERATOR_EMAIL } from "../seed/seed-demo";
import { log } from "../log";
import { startHttpServer } from "../../server";
import { closeGateway, initGateway } from "../gateway/context";
import { nodeGatewayHandler } from "../gateway/node-adapter";

export interface RunOptions {
  root: string;
  port: number;
  dataDir: string;
  webhookSecret: string;
}

export async function runHeadroom(opts: RunOptions): Promise<void> {
  resetEnv();
  const config = env();
  await prepareDatabase();
  const embedded = !config.DATABASE_URL;
  let seededKey: string | null = null;
  if (embedded || process.env.HEADROOM_SEED_DEMO === "1") {
    const seeded = await seedDemo({ password: config.HEADROOM_DEMO_PASSWORD, apiKey: config.HEADROOM_DEMO_API_KEY });
    seededKey = seeded.createdApiKey;
  }
  await initGateway({ redisUrl: config.REDIS_URL });
  const http = await startHttpServer({ port: opts.port, fastPath: nodeGatewayHandler });

  const lines = [
    "",
    `  Headroom is running at ${http.url}`,
    `  Database: ${dbKind() === "pglite" ? `embedded PGlite in ${opts.dataDir}` : "PostgreSQL (DATABASE_URL)"}`,
    `  Rate limits: ${config.REDIS_URL ? "Redis (REDIS_URL), shared by all instances" : "in-process (one instance)"}`,
  ];
  if (embedded) {
    const password = process.env.HEADROOM_DEMO_PASSWORD ? "(HEADROOM_DEMO_PASSWORD)" : "headroom-demo";
    lines.push(`  Sign in:  ${DEMO_EMAIL} / ${password}   (operator: ${OPERATOR_EMAIL})`);
  }
  if (seededKey) lines.push(`  Demo API key (shown once, keep it): ${seededKey}`);
  console.log(lines.join("\n") + "\n");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    // Stop accepting, let in-flight requests finish, flush the meter, then close the database.
    await http.close();
    await closeGateway();
    await closeDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

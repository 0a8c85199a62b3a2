// Start every part of a Headroom instance in this process and stop them cleanly on SIGTERM/SIGINT.
import { env, resetEnv } from "../env";
import { closeDb, dbKind } from "../db";
import { prepareDatabase } from "../db/prepare";
import { seedDemo, DEMO_EMAIL, OPERATOR_EMAIL } from "../seed/seed-demo";
import { errorSummary, log } from "../log";
import { startHttpServer } from "../../server";
import { closeGateway, initGateway } from "../gateway/context";
import { fastPathWork, nodeGatewayHandler } from "../gateway/node-adapter";
import { startPayments } from "../payments/runtime";
import { ensureDemoCard } from "../payments/demo-card";
import { startJobSchedulerThread } from "../jobs/scheduler-thread";
import { registerHealthCheck } from "../health";

export interface RunOptions {
  root: string;
  port: number;
  dataDir: string;
  webhookSecret: string;
  /** `npm run dev`: Next in development mode (hot reload), same fast path and embedded parts. */
  dev?: boolean;
}

/** How long after the drain deadline a shutdown may still take (scheduler, meter flush, database) before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;
/** A signal this soon after the first is the same request delivered twice, not a second one. */
const REPEATED_SIGNAL_MS = 1_000;

export async function runHeadroom(opts: RunOptions): Promise<void> {
  // Until everything has started there is nothing to drain: a request to stop exits at once.
  let requestStop: (reason: string) => void = () => process.exit(1);
  onOutputClosed(() => requestStop("output closed"));
  // Without Stripe keys the emulator signs webhooks with the data folder's secret; the webhook
  // route (in Next's bundle) reads it from the environment like a configured one.
  if (!process.env.STRIPE_SECRET_KEY?.trim()) process.env.STRIPE_WEBHOOK_SECRET = opts.webhookSecret;
  resetEnv();
  const config = env();
  await prepareDatabase();
  const payments = await startPayments({ dataDir: opts.dataDir, appPort: opts.port, webhookSecret: opts.webhookSecret });
  const embedded = !config.DATABASE_URL;
  let seededKey: string | null = null;
  if (embedded || process.env.HEADROOM_SEED_DEMO === "1") {
    const seeded = await seedDemo({
      password: config.HEADROOM_DEMO_PASSWORD,
      apiKey: config.HEADROOM_DEMO_API_KEY,
      // A demo without its card still starts (e.g. real Stripe keys but Stripe unreachable); the log says why.
      saveCard: (accountId) =>
        ensureDemoCard(accountId).catch((err: unknown) =>
          log.warn("the demo account's test card could not be saved in Stripe", {
            error: errorSummary(err),
          }),
        ),
    });
    seededKey = seeded.createdApiKey;
  }
  await initGateway({
    redisUrl: config.REDIS_URL,
    redisDown: config.HEADROOM_REDIS_DOWN,
    journal: config.DATABASE_URL ? { dataDir: opts.dataDir, databaseUrl: config.DATABASE_URL } : undefined,
  });
  // Background jobs (month close, auto top-up, alerts, reconciliation), once per key across
  // instances; on their own thread when the database is PostgreSQL.
  const scheduler = startJobSchedulerThread();
  const http = await startHttpServer({
    port: opts.port,
    fastPath: nodeGatewayHandler,
    fastPathWork,
    dev: opts.dev ?? false,
    trustedProxies: config.HEADROOM_TRUSTED_PROXIES,
  });
  // While draining, GET /api/health answers 503, so a load balancer probing over a kept-alive
  // socket takes the instance out (new connections are refused by then).
  registerHealthCheck("serving", async () => {
    if (http.draining()) throw new Error("shutting down: draining in-flight requests");
  });

  const lines = [
    "",
    `  Headroom is running at ${http.url}`,
    `  Database: ${dbKind() === "pglite" ? `embedded PGlite in ${opts.dataDir}` : "PostgreSQL (DATABASE_URL)"}`,
    `  Rate limits: ${config.REDIS_URL ? "Redis (REDIS_URL), shared by all instances" : "in-process (one instance)"}`,
    `  Payments: ${payments.describe}`,
  ];
  if (embedded) {
    const password = process.env.HEADROOM_DEMO_PASSWORD ? "(HEADROOM_DEMO_PASSWORD)" : "headroom-demo";
    lines.push(`  Sign in:  ${DEMO_EMAIL} / ${password}   (operator: ${OPERATOR_EMAIL})`);
  }
  // A generated key is printed once (nobody else knows it); one given in HEADROOM_DEMO_API_KEY is never printed.
  if (seededKey && !config.HEADROOM_DEMO_API_KEY) lines.push(`  Demo API key (shown once, keep it): ${seededKey}`);
  else if (seededKey) lines.push("  Demo API key: the one in HEADROOM_DEMO_API_KEY");
  console.log(lines.join("\n") + "\n");

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    const deadlineMs = config.HEADROOM_DRAIN_TIMEOUT_MS;
    log.info("shutting down", { reason, deadlineMs });
    // What the shutdown is waiting on, for the log line of one that hangs.
    let step = "draining HTTP requests";
    // A shutdown that hangs (a stuck dependency) must not leave a process nobody can stop politely.
    setTimeout(() => {
      log.error("shutdown did not finish in time: exiting", { ms: deadlineMs + SHUTDOWN_GRACE_MS, stuckIn: step });
      process.exit(1);
    }, deadlineMs + SHUTDOWN_GRACE_MS).unref();
    // Stop accepting, let in-flight requests finish (up to the deadline), flush the meter, then
    // close the database.
    const started = Date.now();
    const { cut, unsettled } = await http.close(deadlineMs);
    if (cut > 0) log.warn("drain deadline reached: in-flight requests cut", { cut, deadlineMs });
    else log.info("drained", { ms: Date.now() - started });
    if (unsettled > 0) log.warn("shutting down with request handlers still running; their usage may not be metered", { unsettled });
    step = "stopping the job scheduler";
    await scheduler.stop();
    step = "stopping payments (invoice sync, Stripe emulator)";
    await payments.close();
    step = "flushing the meter";
    await closeGateway();
    step = "closing the database";
    await closeDb();
    log.info("stopped", { ms: Date.now() - started });
    process.exit(0);
  };
  requestStop = (reason) => void stop(reason);
  let firstSignalAt = 0;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      // A second signal while draining (Ctrl-C twice) means now. One key press can arrive twice
      // within milliseconds — the terminal signals the whole group and `npm start` forwards it to
      // this process again — so only a signal a second or more after the first counts as another.
      if (firstSignalAt > 0 && Date.now() - firstSignalAt >= REPEATED_SIGNAL_MS) process.exit(signal === "SIGINT" ? 130 : 143);
      firstSignalAt ||= Date.now();
      requestStop(signal);
    });
  }
}

/**
 * Output with nowhere to go — the process reading stdout/stderr is gone (an interrupted test run,
 * `npm start | head`) — stops Headroom as SIGTERM does. Unhandled, each failed write is an uncaught
 * error that Next's handler logs to the same closed pipe, a loop that starves the event loop
 * (signals included) and keeps an orphan spinning. Later write errors are ignored.
 */
function onOutputClosed(then: () => void): void {
  let closed = false;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", () => {
      if (closed) return;
      closed = true;
      then();
    });
  }
}

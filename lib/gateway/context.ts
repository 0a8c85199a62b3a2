// The gateway's long-lived parts, one set per process (shared by the /v1 fast path and Next's
// app/v1 route handlers through globalThis): model catalog, account-state cache, rate-limit store,
// spend guard, scheduler, model load and the meter.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import Redis from "ioredis";
import { connectRedisLimiterStore, LIMITER_REDIS_OPTIONS, MemoryLimiterStore, type LimiterStore } from "../limits";
import { metrics } from "../metrics";
import { errorSummary, log } from "../log";
import { registerHealthCheck } from "../health";
import { AccountStateCache } from "./account-state";
import { ModelCatalog } from "./catalog";
import { fileDoubtJournal } from "./doubt-journal";
import { Meter } from "./meter";
import { ModelLoad, Scheduler } from "./scheduler";
import { SharedModelLoad } from "./shared-model-load";
import { SpendGuard } from "./spend-guard";
import { RejectionCounter } from "./rejections";
import { checkBudgetAlerts } from "../alerts/check-budget-alerts";
import { deliverPendingEmails } from "../alerts/deliver-emails";
import { db } from "../db";

async function storeAlertsNow(accountIds: string[]): Promise<void> {
  try {
    let stored = 0;
    for (const id of accountIds) stored += await db().$transaction((tx) => checkBudgetAlerts(tx, id));
    if (stored > 0) await deliverPendingEmails();
  } catch (err) {
    // The minute job checks again: nothing is lost.
    log.warn("storing budget alerts after a meter flush failed", { error: errorSummary(err) });
  }
}

export interface GatewayContext {
  catalog: ModelCatalog;
  accounts: AccountStateCache;
  limiter: LimiterStore;
  guard: SpendGuard;
  scheduler: Scheduler;
  load: ModelLoad;
  meter: Meter;
  rejections: RejectionCounter;
  limiterKind: "memory" | "redis";
}

const KEY = Symbol.for("headroom.gateway");
type Slot = { ctx?: GatewayContext };
const slot: Slot = ((globalThis as Record<symbol, Slot>)[KEY] ??= {});

function build(limiter: LimiterStore, limiterKind: GatewayContext["limiterKind"], load: ModelLoad = new ModelLoad()): GatewayContext {
  const m = metrics();
  const guard = new SpendGuard(`${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`);
  guard.start();
  const accounts = new AccountStateCache();
  const meter = new Meter({
    onFlush: (size, ms) => {
      m.meterBatchSize.observe(size);
      m.meterFlushSeconds.observe(ms / 1000);
    },
    // An account whose suspension was just re-derived: drop its cached state and leases here at once.
    onResync: (ids) => {
      for (const id of ids) {
        accounts.forget(id);
        guard.revoke(id);
      }
    },
    // A flush that may have crossed 50/80/100 % of the limit or the low-credit line: store those
    // alerts now (deduplicated), not at the next minute's job, and send their e-mail if configured.
    onAlert: (ids) => void storeAlertsNow(ids),
  });
  return {
    catalog: new ModelCatalog(),
    accounts,
    limiter,
    guard,
    scheduler: new Scheduler(),
    load,
    meter,
    rejections: new RejectionCounter(),
    limiterKind,
  };
}

/** The process's gateway; the in-process limiter unless initGateway connected Redis. */
export function gateway(): GatewayContext {
  return (slot.ctx ??= build(new MemoryLimiterStore(), "memory"));
}

export interface GatewayOptions {
  redisUrl?: string;
  redisDown?: "refuse" | "local";
  /**
   * On PostgreSQL (`databaseUrl`), the data folder: the meter journals there the responses it
   * withdraws in doubt, until settled, and settles what a killed process left (lib/gateway/doubt-journal.ts).
   * PGlite runs in this process: its flushes are never in doubt.
   */
  journal?: { dataDir: string; databaseUrl: string };
}

/** Start-up: use Redis for rate-limit state when REDIS_URL is set (SPEC §6 shared state); the meter's journal. */
export async function initGateway(opts: GatewayOptions): Promise<GatewayContext> {
  if (slot.ctx) return slot.ctx;
  const ctx = await connect(opts);
  if (opts.journal) ctx.meter.useJournal(fileDoubtJournal(path.join(opts.journal.dataDir, "meter-doubts"), opts.journal.databaseUrl));
  return ctx;
}

async function connect(opts: GatewayOptions): Promise<GatewayContext> {
  if (!opts.redisUrl) return gateway();
  const m = metrics();
  const local = opts.redisDown === "local";
  const limiter = await connectRedisLimiterStore(opts.redisUrl, {
    // Every instance on Redis's clock: skew between the instances' clocks cannot refill buckets early.
    time: "redis",
    onUnavailable: local ? "local" : "throw",
    hooks: { onFallback: () => m.limiterFallback.inc() },
    logger: { warn: (msg, fields) => log.warn(msg, fields), info: (msg, fields) => log.info(msg, fields) },
  });
  // The capacity gate's load, shared by every instance (its own connection: fail-fast settings too).
  const loadRedis = new Redis(opts.redisUrl, LIMITER_REDIS_OPTIONS);
  loadRedis.on("error", () => undefined); // reported once per outage by SharedModelLoad
  slot.ctx = build(limiter, "redis", new SharedModelLoad(loadRedis));
  // A real PING, so health sees an outage (and a recovery) before any /v1 call does. Critical when
  // an unreachable Redis means /v1 is refused (the default); with the local fallback the instance
  // still serves, so it is reported but the instance stays healthy.
  registerHealthCheck(
    "redis",
    async () => {
      try {
        await limiter.ping();
      } catch {
        throw new Error(
          local
            ? "unreachable: admission uses each instance's local limiter until it answers"
            : "unreachable: /v1 calls are refused until it answers",
        );
      }
      return "rate-limit state shared";
    },
    { critical: !local },
  );
  return slot.ctx;
}

export async function closeGateway(): Promise<void> {
  const ctx = slot.ctx;
  if (!ctx) return;
  await ctx.meter.close();
  await ctx.rejections.flush();
  await ctx.guard.close();
  await ctx.load.close();
  await ctx.limiter.close();
  slot.ctx = undefined;
}

/** Tests: replace the process's gateway parts. */
export function setGateway(ctx: GatewayContext | undefined): void {
  slot.ctx = ctx;
}

export function createGateway(limiter: LimiterStore, kind: GatewayContext["limiterKind"] = "memory"): GatewayContext {
  return build(limiter, kind);
}

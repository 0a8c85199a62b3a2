// The job scheduler on a thread of its own (PostgreSQL only): the background jobs' queries —
// Prisma's planning and result decoding, a month close over every account — then never hold up the
// gateway's event loop, where each stall of a few tens of milliseconds delays every request behind
// it. The thread has its own database pool; the jobs share nothing else in memory with the gateway
// (it sees a suspension through its 1 s account-state cache, as other instances do). Embedded
// PGlite lives on the main thread and cannot be opened twice, so there the scheduler stays in-process.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { dbKind } from "../db";
import { errorSummary, log } from "../log";
import { startJobScheduler, type SchedulerHandle } from "./scheduler";

const RESTART_AFTER_MS = 5_000;

type FromThread = { type: "ticked"; error?: string } | { type: "stopped" };
export type ToThread = { type: "tick"; at?: string } | { type: "stop" };

/** tsx's ESM API module (its `register()` installs the loader on the calling thread), as a file URL. */
function tsxApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve("tsx/package.json");
  const exports = (require(manifest) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(path.join(path.dirname(manifest), exports["./esm/api"]!.import.default)).href;
}

export interface SchedulerThreadOptions {
  /** The thread's environment (default: this process's, as it is now). */
  env?: NodeJS.ProcessEnv;
}

/** startJobScheduler's handle, run on a worker thread when the database is PostgreSQL. */
export function startJobSchedulerThread(opts: SchedulerThreadOptions = {}): SchedulerHandle {
  if (dbKind() !== "postgres") return startJobScheduler();
  // The server runs under tsx; a worker does not inherit its loader, so the entry registers it first.
  const entry = new URL("./scheduler-thread-entry.ts", import.meta.url).href;
  let api: string;
  try {
    api = tsxApi();
  } catch (err) {
    log.warn("jobs run on the main thread: tsx's loader API was not found", { error: errorSummary(err) });
    return startJobScheduler();
  }
  const source = `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`;

  let worker: Worker | null = null;
  let stopping = false;
  let restart: NodeJS.Timeout | null = null;
  const waiting: ((msg: FromThread) => void)[] = [];

  const spawn = () => {
    const w = new Worker(source, { eval: true, name: "headroom-jobs", env: opts.env ?? process.env });
    w.unref();
    w.on("message", (msg: FromThread) => waiting.shift()?.(msg));
    w.on("error", (err) => log.error("job scheduler thread failed", { error: err.message }));
    w.on("exit", (code) => {
      worker = null;
      for (const resolve of waiting.splice(0)) resolve({ type: "stopped" });
      if (stopping) return;
      log.error("job scheduler thread exited; restarting", { code, inMs: RESTART_AFTER_MS });
      restart = setTimeout(spawn, RESTART_AFTER_MS).unref();
    });
    worker = w;
  };
  spawn();

  const ask = (msg: ToThread) =>
    new Promise<FromThread>((resolve) => {
      if (!worker) return resolve({ type: "stopped" });
      waiting.push(resolve);
      worker.postMessage(msg);
    });

  return {
    async tick(now?: Date) {
      const reply = await ask({ type: "tick", at: now?.toISOString() });
      if (reply.type === "ticked" && reply.error) throw new Error(reply.error);
    },
    async stop() {
      stopping = true;
      if (restart) clearTimeout(restart);
      const w = worker;
      if (!w) return;
      await ask({ type: "stop" });
      await w.terminate();
    },
  };
}

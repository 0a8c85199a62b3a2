// In-process scheduler the server starts (not started in tests): every tick, each scheduled job
// whose key changed since this instance last ran it is run through runJobOnce, so across any
// number of instances each (job, key) runs once. Interval timers are unref'd (never keep the
// process alive); a tick never overlaps the previous one.
import { errorSummary, log } from "../log";
import { listJobs } from "./jobs";
import { pruneJobRuns, runJobOnce } from "./runner";

export interface SchedulerHandle {
  stop(): Promise<void>;
  /** Run one tick now (tools and tests). */
  tick(now?: Date): Promise<void>;
}

const PRUNE_AFTER_MS = 2 * 24 * 60 * 60_000;

export function startJobScheduler(opts: { tickMs?: number; autoStart?: boolean } = {}): SchedulerHandle {
  const lastKey = new Map<string, string>();
  const lastCheck = new Map<string, number>();
  let running: Promise<void> | null = null;
  let lastPrune = 0;

  const tickOnce = async (now: Date) => {
    const started = performance.now();
    const ran: string[] = [];
    for (const job of listJobs()) {
      if (!job.scheduleKey) continue;
      if (now.getTime() - (lastCheck.get(job.name) ?? 0) < (job.everyMs ?? 60_000)) continue;
      lastCheck.set(job.name, now.getTime());
      const key = job.scheduleKey(now);
      if (!key || lastKey.get(job.name) === key) continue;
      ran.push(job.name);
      try {
        const outcome = await runJobOnce(job.name, key, () => job.run({ at: now }), { now, staleAfterMs: job.staleAfterMs });
        // Done here or elsewhere: nothing more for this key. Failed or in progress: look again next time.
        if ((outcome.ran && outcome.ok) || (!outcome.ran && outcome.reason === "already_done")) lastKey.set(job.name, key);
        if (outcome.ran && outcome.ok && !job.prunable) log.info("job finished", { job: job.name, key });
      } catch (err) {
        log.error("scheduler could not run job", { job: job.name, key, error: errorSummary(err) });
      }
    }
    if (now.getTime() - lastPrune > 60 * 60_000) {
      lastPrune = now.getTime();
      const prunable = listJobs()
        .filter((j) => j.prunable)
        .map((j) => j.name);
      await pruneJobRuns(prunable, new Date(now.getTime() - PRUNE_AFTER_MS)).catch(() => 0);
    }
    if (ran.length) log.debug("scheduler tick", { jobs: ran, ms: Math.round(performance.now() - started) });
  };

  const tick = (now = new Date()) => {
    if (running) return running;
    running = tickOnce(now).finally(() => {
      running = null;
    });
    return running;
  };

  const timer = opts.autoStart === false ? null : setInterval(() => void tick(), opts.tickMs ?? 15_000);
  timer?.unref();
  // The first tick at once: work that fell due while no instance ran (a month close, say) starts
  // with the instance, not a tick later, and so does the one-off cost of a first run.
  if (timer) void tick();
  return {
    tick,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

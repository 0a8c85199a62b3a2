// Group-commit metering: served requests queue their usage; a flush writes everything queued in
// one statement. A response completes only after its usage is durable (record() resolves after the
// commit), so killing the process never loses the usage of a response a client saw finish.
//
// Requests are queued in lanes by account, and each lane has at most one flush in flight: a flush
// locks its accounts' rows until it commits, so two flushes for the same account could only wait
// for each other, and while one runs the next batch grows. Different lanes flush in parallel.
// Batches grow with load and add no latency when idle.
import { chargeUsageBatch, type UsageCharge } from "../billing/charge-usage-batch";
import { log } from "../log";

interface Pending {
  usage: UsageCharge;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Lane {
  queue: Pending[];
  flushing: boolean;
}

const MAX_BATCH = 400;
const LANES = 4;

export interface MeterHooks {
  onFlush?: (size: number, ms: number) => void;
  onResync?: (accountIds: string[]) => void;
}

/** FNV-1a of the account id: the same account always lands in the same lane. */
function laneOf(accountId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    h ^= accountId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % LANES;
}

export class Meter {
  private lanes: Lane[] = Array.from({ length: LANES }, () => ({ queue: [], flushing: false }));
  private waiting = 0;
  private scheduled = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idle: (() => void)[] = [];
  private closed = false;

  constructor(private readonly hooks: MeterHooks = {}) {}

  /** Records waiting to be committed (queued or in a flush). */
  get depth(): number {
    return this.waiting;
  }

  /** Resolves when the usage is committed. Retries while the database is unreachable. */
  record(usage: UsageCharge): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.lanes[laneOf(usage.accountId)]!.queue.push({ usage, resolve, reject });
      this.waiting++;
      this.schedule();
    });
  }

  /** Wait until everything queued so far is committed (graceful shutdown). */
  drain(): Promise<void> {
    if (this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private schedule(): void {
    if (this.scheduled || this.retryTimer) return;
    this.scheduled = true;
    // Let requests that finish in the same tick join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.retryTimer) return;
    for (const lane of this.lanes) {
      if (lane.flushing || lane.queue.length === 0) continue;
      lane.flushing = true;
      void this.flush(lane, lane.queue.splice(0, MAX_BATCH));
    }
  }

  private async flush(lane: Lane, batch: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const result = await chargeUsageBatch(batch.map((p) => p.usage));
      this.failures = 0;
      this.waiting -= batch.length;
      this.hooks.onFlush?.(batch.length, performance.now() - started);
      if (result.resynced.length) this.hooks.onResync?.(result.resynced);
      for (const p of batch) p.resolve();
    } catch (err) {
      // A batch is idempotent on request ids: retrying after an unknown outcome is safe.
      this.failures++;
      if (this.failures === 1 || this.failures % 20 === 0) {
        log.error("meter flush failed; retrying", {
          batch: batch.length,
          failures: this.failures,
          error: err instanceof Error ? err.message.split("\n")[0] : String(err),
        });
      }
      if (this.closed && this.failures > 50) {
        const dropped = [...batch, ...lane.queue.splice(0)];
        this.waiting -= dropped.length;
        for (const p of dropped) p.reject(err);
      } else {
        lane.queue.unshift(...batch);
        this.retryTimer ??= setTimeout(
          () => {
            this.retryTimer = null;
            this.pump();
          },
          Math.min(2_000, 50 * 2 ** Math.min(this.failures, 6)),
        );
      }
    } finally {
      lane.flushing = false;
      if (lane.queue.length > 0) this.schedule();
      if (this.waiting === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}

// Group-commit metering: served requests queue their usage; a flush writes everything queued in
// one statement. A response completes only after its usage is durable (record() resolves after the
// commit), so killing the process never loses the usage of a response a client saw finish.
// Up to MAX_IN_FLIGHT flushes overlap (the database works on one while the next batch forms);
// batches grow with load and add no latency when idle.
import { chargeUsageBatch, type UsageCharge } from "../billing/charge-usage-batch";
import { log } from "../log";

interface Pending {
  usage: UsageCharge;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 400;
const MAX_IN_FLIGHT = 4;

export interface MeterHooks {
  onFlush?: (size: number, ms: number) => void;
  onResync?: (accountIds: string[]) => void;
}

export class Meter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idle: (() => void)[] = [];
  private closed = false;

  constructor(private readonly hooks: MeterHooks = {}) {}

  /** Records waiting to be committed (queued or in a flush). */
  get depth(): number {
    return this.queue.length;
  }

  /** Resolves when the usage is committed. Retries while the database is unreachable. */
  record(usage: UsageCharge): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ usage, resolve, reject });
      this.schedule();
    });
  }

  /** Wait until everything queued so far is committed (graceful shutdown). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
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
    while (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT && !this.retryTimer) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.flush(batch);
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const result = await chargeUsageBatch(batch.map((p) => p.usage));
      this.failures = 0;
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
        for (const p of [...batch, ...this.queue.splice(0)]) p.reject(err);
      } else {
        this.queue.unshift(...batch);
        this.retryTimer ??= setTimeout(
          () => {
            this.retryTimer = null;
            this.pump();
          },
          Math.min(2_000, 50 * 2 ** Math.min(this.failures, 6)),
        );
      }
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) this.schedule();
      else if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}

// Group-commit metering: served requests queue their usage; one flush at a time writes everything
// queued in one transaction. A response completes only after its usage is durable (record() resolves
// after the commit), so killing the process never loses the usage of a response a client saw finish.
// While a flush runs, new records accumulate: batches grow with load and add no latency when idle.
import { chargeUsageBatch, type UsageCharge } from "../billing/charge-usage-batch";
import { log } from "../log";

interface Pending {
  usage: UsageCharge;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 400;

export interface MeterHooks {
  onFlush?: (size: number, ms: number) => void;
  onResync?: (accountIds: string[]) => void;
}

export class Meter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly hooks: MeterHooks = {}) {}

  get depth(): number {
    return this.queue.length;
  }

  /** Resolves when the usage is committed. Retries while the database is unreachable. */
  record(usage: UsageCharge): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ usage, resolve, reject });
      if (!this.flushing) this.flushing = this.loop();
    });
  }

  /** Wait for everything queued so far (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private async loop(): Promise<void> {
    // Let requests that finish in the same tick join the first batch.
    await new Promise((r) => setImmediate(r));
    let failures = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, MAX_BATCH);
      const started = performance.now();
      try {
        const result = await chargeUsageBatch(batch.map((p) => p.usage));
        this.queue.splice(0, batch.length);
        failures = 0;
        this.hooks.onFlush?.(batch.length, performance.now() - started);
        if (result.resynced.length) this.hooks.onResync?.(result.resynced);
        for (const p of batch) p.resolve();
      } catch (err) {
        // The batch is idempotent on request ids: retrying after an unknown outcome is safe.
        failures++;
        if (failures === 1 || failures % 20 === 0) {
          log.error("meter flush failed; retrying", {
            batch: batch.length,
            failures,
            error: err instanceof Error ? err.message.split("\n")[0] : String(err),
          });
        }
        if (this.closed && failures > 50) {
          for (const p of this.queue.splice(0)) p.reject(err);
          break;
        }
        await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** Math.min(failures, 6))));
      }
    }
    this.flushing = null;
  }
}

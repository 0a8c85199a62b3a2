// Per-model serving slots with two priorities (SPEC §6): when a model is saturated, queued in-limit
// requests are served before over-limit ones; when the queue is full, over-limit requests are shed
// first (503 overloaded) and in-limit ones only when no over-limit request is left to shed.
import { AppError } from "../http/errors";

export type Priority = "high" | "low";

interface Waiter {
  grant: (release: () => void) => void;
  shed: (err: AppError) => void;
  enqueuedAt: number;
}

export class OverloadedError extends AppError {
  constructor(message = "The model is overloaded; retry shortly (over-limit requests are shed first).") {
    super("overloaded", message);
  }
}

class ModelSlots {
  active = 0;
  readonly high: Waiter[] = [];
  readonly low: Waiter[] = [];
  constructor(
    public concurrency: number,
    public maxQueue: number,
  ) {}
}

const goneWhileQueued = () => new AppError("overloaded", "The client went away while queued.");

export class Scheduler {
  private models = new Map<string, ModelSlots>();

  constructor(private readonly queueFactor = 8) {}

  /** A free slot's releaser, without waiting; null when the request would queue (then acquire()). */
  tryAcquire(modelId: string, concurrency: number, priority: Priority): (() => void) | null {
    const m = this.slots(modelId, concurrency);
    if (m.active < m.concurrency && m.high.length === 0 && (priority === "high" || m.low.length === 0)) {
      m.active++;
      return this.releaser(m);
    }
    return null;
  }

  /** `signal` is read only if the request has to queue (creating one costs more than a free slot). */
  acquire(modelId: string, concurrency: number, priority: Priority, signal?: () => AbortSignal): Promise<() => void> {
    const free = this.tryAcquire(modelId, concurrency, priority);
    if (free) return Promise.resolve(free);
    const m = this.slots(modelId, concurrency);
    const aborted = signal?.();
    // Gone before it could queue (its abort has fired: no listener would ever hear it): it would
    // hold a place in the queue, or push an over-limit request out, for nobody.
    if (aborted?.aborted) return Promise.reject(goneWhileQueued());
    if (m.high.length + m.low.length >= m.maxQueue) {
      if (priority === "low") return Promise.reject(new OverloadedError());
      const victim = m.low.pop();
      if (!victim) return Promise.reject(new OverloadedError());
      victim.shed(new OverloadedError());
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const list = priority === "high" ? m.high : m.low;
        const i = list.indexOf(waiter);
        if (i >= 0) {
          list.splice(i, 1);
          reject(goneWhileQueued());
        }
      };
      // Granted or shed, the waiter leaves the queue: so does its listener on the request's signal.
      const waiter: Waiter = {
        grant: (release) => {
          aborted?.removeEventListener("abort", onAbort);
          resolve(release);
        },
        shed: (err) => {
          aborted?.removeEventListener("abort", onAbort);
          reject(err);
        },
        enqueuedAt: Date.now(),
      };
      (priority === "high" ? m.high : m.low).push(waiter);
      aborted?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Requests waiting for a slot, per priority (metrics, tests). */
  depth(modelId?: string): { high: number; low: number } {
    let high = 0;
    let low = 0;
    for (const [id, m] of this.models) {
      if (modelId && id !== modelId) continue;
      high += m.high.length;
      low += m.low.length;
    }
    return { high, low };
  }

  private slots(modelId: string, concurrency: number): ModelSlots {
    let m = this.models.get(modelId);
    if (!m) {
      m = new ModelSlots(concurrency, concurrency * this.queueFactor);
      this.models.set(modelId, m);
    } else if (m.concurrency !== concurrency) {
      // The model's concurrency was changed (an operator's edit): more slots serve the queue at
      // once; fewer take effect as running requests finish.
      m.concurrency = concurrency;
      m.maxQueue = concurrency * this.queueFactor;
      this.fill(m);
    }
    return m;
  }

  /** Start queued requests while slots are free: in-limit first, each priority in arrival order. */
  private fill(m: ModelSlots): void {
    while (m.active < m.concurrency) {
      const next = m.high.shift() ?? m.low.shift();
      if (!next) return;
      m.active++;
      next.grant(this.releaser(m));
    }
  }

  private releaser(m: ModelSlots): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      m.active--;
      this.fill(m);
    };
  }
}

/**
 * Tokens each model processed over the last minute, for the capacity gate (SPEC §6), as this
 * instance saw them (with Redis, shared-model-load.ts adds every instance's).
 */
export class ModelLoad {
  private buckets = new Map<string, { second: number; tokens: Float64Array; total: number }>();

  add(modelId: string, tokens: number, now = Date.now()): void {
    const b = this.window(modelId, now);
    b.tokens[Math.floor(now / 1000) % 60]! += tokens;
    b.total += tokens;
  }

  /** Stops background work (a shared load hands over what it has not sent). */
  async close(): Promise<void> {}

  /** Utilisation of capacity (tokens per minute) over the last 60 s: 0..1+. */
  utilisation(modelId: string, capacityTokensPerMin: number, now = Date.now()): number {
    if (capacityTokensPerMin <= 0) return 0;
    return this.window(modelId, now).total / capacityTokensPerMin;
  }

  private window(modelId: string, now: number) {
    const second = Math.floor(now / 1000);
    let b = this.buckets.get(modelId);
    if (!b) {
      b = { second, tokens: new Float64Array(60), total: 0 };
      this.buckets.set(modelId, b);
    }
    // Expire the seconds that left the window.
    const gap = Math.min(60, second - b.second);
    for (let i = 1; i <= gap; i++) {
      const slot = (b.second + i) % 60;
      b.total -= b.tokens[slot]!;
      b.tokens[slot] = 0;
    }
    b.second = Math.max(b.second, second);
    return b;
  }
}

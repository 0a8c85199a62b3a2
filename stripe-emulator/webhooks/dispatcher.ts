// Webhook delivery: every event is POSTed, signed, to every endpoint. A non-2xx answer, a
// redirect, a network error or a timeout is retried on a compressed version of Stripe's
// exponential backoff. Per endpoint, one request is in flight at a time and first attempts go
// out in event order; an event waiting for a retry does not hold back newer events.
import type Stripe from "stripe";
import { newId } from "../core/ids";
import type { Delivery, DeliveryStatus, State } from "../core/state";
import { signatureHeader } from "./signature";

export interface DispatcherOptions {
  state: () => State;
  endpoints: () => readonly string[];
  secret: string;
  /** Milliseconds to wait before the 2nd, 3rd, … attempt; attempts = length + 1. */
  retrySchedule: readonly number[];
  timeoutMs: number;
  onChange: () => void;
  log: (line: string) => void;
}

export interface DeliveryFilter {
  eventId?: string;
  eventType?: string;
  status?: DeliveryStatus;
  endpoint?: string;
}

const USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";

export class WebhookDispatcher {
  private readonly busy = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private readonly idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly opts: DispatcherOptions) {}

  /** Queues one delivery per configured endpoint; returns how many. */
  enqueue(event: Stripe.Event): number {
    const endpoints = this.opts.endpoints();
    for (const endpoint of endpoints) this.createDelivery(event, endpoint);
    return endpoints.length;
  }

  /** Sends an event again (a new delivery with its own retries), like "Resend" in the Dashboard. */
  resend(eventId: string, endpoint?: string): Delivery[] {
    const event = this.opts.state().events[eventId];
    if (!event) return [];
    const targets = endpoint ? [endpoint] : this.opts.endpoints();
    const created = targets.map((e) => this.createDelivery(event, e));
    this.refreshPending(eventId);
    return created;
  }

  list(filter: DeliveryFilter = {}): Delivery[] {
    return Object.values(this.opts.state().deliveries).filter(
      (d) =>
        (filter.eventId === undefined || d.eventId === filter.eventId) &&
        (filter.eventType === undefined || d.eventType === filter.eventType) &&
        (filter.status === undefined || d.status === filter.status) &&
        (filter.endpoint === undefined || d.endpoint === filter.endpoint),
    );
  }

  /** Makes every pending delivery due now and resolves once each has had an attempt. */
  async flush(): Promise<Delivery[]> {
    const now = Date.now();
    const pending = this.list({ status: "pending" });
    for (const d of pending) d.nextAttemptAt = now;
    const target = new Map(pending.map((d) => [d.id, d.attempts.length]));
    for (const endpoint of new Set(pending.map((d) => d.endpoint))) this.pump(endpoint);
    const state = this.opts.state();
    await this.waitUntil(() => [...target].every(([id, n]) => (state.deliveries[id]?.attempts.length ?? n + 1) > n));
    return pending.map((d) => state.deliveries[d.id] ?? d);
  }

  /** Resolves when nothing is pending or in flight (all delivered or given up). */
  waitForIdle(timeoutMs = 30_000): Promise<void> {
    return this.waitUntil(() => this.list().every((d) => d.status === "succeeded" || d.status === "failed"), timeoutMs);
  }

  /** Restarts delivery after a state load or reset. */
  resume(): void {
    for (const endpoint of new Set(this.list({ status: "pending" }).map((d) => d.endpoint))) this.pump(endpoint);
  }

  /** Stops timers and aborts requests in flight (used by reset and close). */
  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const c of this.controllers) c.abort();
    this.controllers.clear();
  }

  close(): void {
    this.closed = true;
    this.stop();
    this.notifyIdle();
  }

  private createDelivery(event: Stripe.Event, endpoint: string): Delivery {
    const state = this.opts.state();
    const delivery: Delivery = {
      id: newId("delivery"),
      eventId: event.id,
      eventType: event.type,
      endpoint,
      status: "pending",
      attempts: [],
      nextAttemptAt: Date.now(),
      seq: ++state.deliverySeq,
    };
    state.deliveries[delivery.id] = delivery;
    this.opts.onChange();
    // After the current request has been answered, like Stripe's asynchronous delivery.
    setImmediate(() => this.pump(endpoint));
    return delivery;
  }

  private nextDue(endpoint: string, now: number): Delivery | undefined {
    let best: Delivery | undefined;
    for (const d of Object.values(this.opts.state().deliveries)) {
      if (d.endpoint !== endpoint || d.status !== "pending" || d.nextAttemptAt === null || d.nextAttemptAt > now) continue;
      if (!best || d.seq < best.seq) best = d;
    }
    return best;
  }

  private pump(endpoint: string): void {
    if (this.closed || this.busy.has(endpoint)) return;
    const due = this.nextDue(endpoint, Date.now());
    if (!due) {
      this.scheduleWake(endpoint);
      this.notifyIdle();
      return;
    }
    this.busy.add(endpoint);
    void this.attempt(due).finally(() => {
      this.busy.delete(endpoint);
      this.pump(endpoint);
    });
  }

  private scheduleWake(endpoint: string): void {
    const existing = this.timers.get(endpoint);
    if (existing) clearTimeout(existing);
    this.timers.delete(endpoint);
    let next: number | null = null;
    for (const d of Object.values(this.opts.state().deliveries)) {
      if (d.endpoint === endpoint && d.status === "pending" && d.nextAttemptAt !== null) {
        next = next === null ? d.nextAttemptAt : Math.min(next, d.nextAttemptAt);
      }
    }
    if (next === null) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(endpoint);
        this.pump(endpoint);
      },
      Math.max(0, next - Date.now()),
    );
    timer.unref();
    this.timers.set(endpoint, timer);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const state = this.opts.state();
    const event = state.events[delivery.eventId];
    if (!event) {
      delivery.status = "failed";
      delivery.nextAttemptAt = null;
      return;
    }
    delivery.status = "in_flight";
    const payload = JSON.stringify({ ...event, pending_webhooks: this.pendingCount(event.id) }, null, 2);
    const started = Date.now();
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.opts.timeoutMs);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(delivery.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": signatureHeader(payload, this.opts.secret),
          "user-agent": USER_AGENT,
          accept: "*/*; q=0.5, application/xml",
          "cache-control": "no-cache",
        },
        body: payload,
        redirect: "manual",
        signal: controller.signal,
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (status >= 300 && status < 400) error = "redirects are not followed";
    } catch (err) {
      error = controller.signal.aborted ? `timed out after ${this.opts.timeoutMs} ms` : describe(err);
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    if (this.closed || state !== this.opts.state()) return;
    delivery.attempts.push({ at: started, status, error, durationMs: Date.now() - started });
    const ok = status !== null && status >= 200 && status < 300;
    const n = delivery.attempts.length;
    if (ok) {
      delivery.status = "succeeded";
      delivery.nextAttemptAt = null;
    } else if (n > this.opts.retrySchedule.length) {
      delivery.status = "failed";
      delivery.nextAttemptAt = null;
    } else {
      delivery.status = "pending";
      delivery.nextAttemptAt = Date.now() + (this.opts.retrySchedule[n - 1] ?? 0);
    }
    this.opts.log(
      `webhook ${event.type} ${event.id} → ${delivery.endpoint}: ${status ?? error} (attempt ${n}${ok ? "" : `, ${delivery.status === "failed" ? "giving up" : "will retry"}`})`,
    );
    this.refreshPending(event.id);
    this.opts.onChange();
  }

  /** Endpoints that have not yet acknowledged the event (Stripe's `pending_webhooks`). */
  private pendingCount(eventId: string): number {
    const byEndpoint = new Map<string, boolean>();
    for (const d of Object.values(this.opts.state().deliveries)) {
      if (d.eventId !== eventId) continue;
      byEndpoint.set(d.endpoint, (byEndpoint.get(d.endpoint) ?? false) || d.status === "succeeded");
    }
    return [...byEndpoint.values()].filter((delivered) => !delivered).length;
  }

  private refreshPending(eventId: string): void {
    const event = this.opts.state().events[eventId];
    if (event) event.pending_webhooks = this.pendingCount(eventId);
  }

  private waitUntil(done: () => boolean, timeoutMs = 60_000): Promise<void> {
    if (done() || this.closed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`stripe-emulator: webhook deliveries still pending after ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const check = () => {
        if (done() || this.closed) {
          cleanup();
          resolve();
          return true;
        }
        return false;
      };
      const cleanup = () => {
        clearTimeout(timer);
        const i = this.idleWaiters.indexOf(listener);
        if (i !== -1) this.idleWaiters.splice(i, 1);
      };
      const listener = () => {
        if (!check()) this.idleWaiters.push(listener);
      };
      this.idleWaiters.push(listener);
    });
  }

  /** Re-evaluates waiters; called whenever an endpoint's queue runs dry. */
  private notifyIdle(): void {
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

// The capacity gate's view of a model's load (SPEC §6) shared by every instance through Redis. The
// gate is read on every admission, synchronously, so it cannot wait for Redis: each instance adds
// its tokens to per-second counters in Redis (INCRBY, expiring after the window) and reads the last
// minute's sum back, both every SYNC_MS, and admissions read that sum plus what this instance added
// since. Per instance, N instances each saw about 1/N of the load, so neither the 90 % rule (no
// growth) nor the 100 % rule (shed over-limit requests) acted until the model ran ~N× over.
// While Redis does not answer, the gate falls back to this instance's own load (all it can see).
import type Redis from "ioredis";
import { errorSummary, log } from "../log";
import { ModelLoad } from "./scheduler";

const SYNC_MS = 250;
const WINDOW_S = 60;
/** A shared sum older than this is not trusted (Redis stopped answering): own load only. */
const STALE_MS = 2_000;
/** Models nobody asked about or served for this long are no longer read back. */
const FORGET_MS = 2 * WINDOW_S * 1000;

export class SharedModelLoad extends ModelLoad {
  /** Tokens added since the last sync began, by model and second: the next sync sends them. */
  private pending = new Map<string, Map<number, number>>();
  /** The last minute's tokens over all instances, as last read, and when. */
  private shared = new Map<string, { total: number; at: number }>();
  private touched = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private syncing = false;
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = "headroom:load:",
  ) {
    super();
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
  }

  override add(modelId: string, tokens: number, now = Date.now()): void {
    super.add(modelId, tokens, now);
    if (tokens <= 0) return;
    this.touched.set(modelId, now);
    let seconds = this.pending.get(modelId);
    if (!seconds) this.pending.set(modelId, (seconds = new Map()));
    const second = Math.floor(now / 1000);
    seconds.set(second, (seconds.get(second) ?? 0) + tokens);
  }

  override utilisation(modelId: string, capacityTokensPerMin: number, now = Date.now()): number {
    this.touched.set(modelId, now);
    const own = super.utilisation(modelId, capacityTokensPerMin, now);
    const shared = this.shared.get(modelId);
    if (capacityTokensPerMin <= 0 || !shared || now - shared.at > STALE_MS) return own;
    let unsent = 0;
    for (const tokens of this.pending.get(modelId)?.values() ?? []) unsent += tokens;
    return Math.max(own, (shared.total + unsent) / capacityTokensPerMin);
  }

  override async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sync(); // hand over what this instance served
  }

  /** Sends the pending tokens and reads back each active model's last minute, in one round trip. */
  async sync(now = Date.now()): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    const sending = this.pending;
    this.pending = new Map();
    const second = Math.floor(now / 1000);
    const models = [...this.touched].filter(([, at]) => now - at < FORGET_MS).map(([id]) => id);
    for (const [id, at] of this.touched) if (now - at >= FORGET_MS) this.touched.delete(id);
    if (sending.size === 0 && models.length === 0) {
      this.syncing = false;
      return;
    }
    try {
      const batch = this.redis.pipeline();
      for (const [modelId, seconds] of sending) {
        for (const [s, tokens] of seconds) {
          const key = this.key(modelId, s);
          batch.incrby(key, Math.round(tokens));
          batch.expire(key, WINDOW_S + 5);
        }
      }
      for (const modelId of models) {
        batch.mget(...Array.from({ length: WINDOW_S }, (_, i) => this.key(modelId, second - i)));
      }
      const replies = (await batch.exec()) ?? [];
      const reads = replies.slice(replies.length - models.length);
      for (const [error] of replies) if (error) throw error;
      models.forEach((modelId, i) => {
        const values = (reads[i]?.[1] ?? []) as (string | null)[];
        let total = 0;
        for (const v of values) total += v === null ? 0 : Number(v);
        this.shared.set(modelId, { total, at: now });
      });
      if (this.failing) log.info("model load: Redis answers again, the capacity gate sees every instance's load");
      this.failing = false;
    } catch (err) {
      // Not sent: kept for the next sync, so the other instances see these tokens once it answers.
      for (const [modelId, seconds] of sending) {
        for (const [s, tokens] of seconds) {
          if (s <= second - WINDOW_S) continue;
          const mine = this.pending.get(modelId) ?? new Map<number, number>();
          mine.set(s, (mine.get(s) ?? 0) + tokens);
          this.pending.set(modelId, mine);
        }
      }
      if (!this.failing)
        log.warn("model load: Redis not answering, the capacity gate sees this instance's load only", { error: errorSummary(err) });
      this.failing = true;
    } finally {
      this.syncing = false;
    }
  }

  private key(modelId: string, second: number): string {
    return `${this.prefix}${modelId}:${second}`;
  }
}

// Requests answered without being served (402, 429, 503) are counted per account × model × minute
// for the usage charts. Counted in memory and written every two seconds, so a flood of 429s costs
// one upsert per key and minute, not one write per request.
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import { errorSummary, log } from "../log";

const FLUSH_EVERY_MS = 2_000;

export class RejectionCounter {
  private counts = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  add(accountId: string, modelId: string, status: number, at = Date.now()): void {
    const minute = Math.floor(at / 60_000) * 60_000;
    const key = `${accountId}|${modelId}|${minute}|${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.counts.size === 0) return;
    const batch = [...this.counts.entries()];
    this.counts.clear();
    const rows = batch.map(([key, count]) => {
      const [accountId, modelId, minute, status] = key.split("|");
      return Prisma.sql`(${accountId}, ${modelId}, ${new Date(Number(minute))}, ${Number(status)}, ${count})`;
    });
    try {
      await db().$executeRaw`
        INSERT INTO "RejectionCount" ("accountId", "modelId", "minute", "status", "count") VALUES ${Prisma.join(rows)}
        ON CONFLICT ("accountId", "modelId", "minute", "status") DO UPDATE SET "count" = "RejectionCount"."count" + EXCLUDED."count"`;
    } catch (err) {
      // Chart counts are not money: keep them for the next try rather than fail anything.
      for (const [key, count] of batch) this.counts.set(key, (this.counts.get(key) ?? 0) + count);
      log.warn("rejection counts not written; will retry", { error: errorSummary(err) });
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS * 5);
      this.timer.unref();
    }
  }
}

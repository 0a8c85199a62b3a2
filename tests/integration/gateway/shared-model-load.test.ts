// The capacity gate's load with Redis (SPEC §6: above 90 % of a model's capacity no limit grows,
// above 100 % over-limit requests are shed): every instance sees the load all instances served,
// within a fraction of a second, and each falls back to its own when Redis stops answering.
import { afterAll, describe, expect, it } from "vitest";
import { SharedModelLoad } from "@/lib/gateway/shared-model-load";
import { REDIS_URL, connect, deletePrefix, uniquePrefix } from "../limits/redis-fixture";
import { TcpProxy } from "../limits/tcp-proxy";

const prefix = uniquePrefix("model-load");
const cleanup = connect();
afterAll(async () => {
  await deletePrefix(cleanup, prefix);
  cleanup.disconnect();
});

describe("the model load shared through Redis", () => {
  it("two instances that each served 60 % of a model's capacity both see it 120 % loaded", async () => {
    const a = new SharedModelLoad(connect(), prefix);
    const b = new SharedModelLoad(connect(), prefix);
    try {
      const now = Date.now();
      a.add("m1", 600, now);
      b.add("m1", 600, now);
      // Alone, each sees only its own 60 % (the old per-instance gate: no shedding).
      expect(a.utilisation("m1", 1000, now)).toBeCloseTo(0.6);
      await a.sync(now);
      await b.sync(now);
      await a.sync(now);
      expect(a.utilisation("m1", 1000, now)).toBeCloseTo(1.2);
      expect(b.utilisation("m1", 1000, now)).toBeCloseTo(1.2);
      // Another model is not affected; a minute later the load has left the window.
      expect(a.utilisation("m2", 1000, now)).toBe(0);
      await a.sync(now + 61_000);
      expect(a.utilisation("m1", 1000, now + 61_000)).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("while Redis does not answer, an instance gates on its own load, and hands over what it kept once it answers", async () => {
    const target = new URL(REDIS_URL);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    const through = connect(`redis://127.0.0.1:${proxy.port}`);
    const a = new SharedModelLoad(through, prefix);
    const b = new SharedModelLoad(connect(), prefix);
    try {
      const now = Date.now();
      b.add("m3", 500, now);
      await b.sync(now);
      expect(a.utilisation("m3", 1000, now)).toBe(0); // asked about: read back from the next sync on
      await a.sync(now);
      expect(a.utilisation("m3", 1000, now)).toBeCloseTo(0.5);
      await proxy.cut();
      a.add("m3", 300, now);
      await a.sync(now);
      // The shared figure goes stale: own load only (0.3), never a guess.
      expect(a.utilisation("m3", 1000, now + 3_000)).toBeCloseTo(0.3);
      await proxy.start(proxy.port);
      let seen = 0;
      for (let waited = 0; waited < 5_000 && seen < 0.79; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        await b.sync(now + 1_000);
        seen = b.utilisation("m3", 1000, now + 1_000);
      }
      expect(seen).toBeCloseTo(0.8); // a's 300 tokens arrived after the outage
    } finally {
      await a.close();
      await b.close();
      await proxy.cut();
    }
  });
});

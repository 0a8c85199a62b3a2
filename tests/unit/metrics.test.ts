// The gateway's lean metrics (lib/metrics.ts) must expose exactly what prom-client's own Histogram
// and Counter expose for the same observations: same lines, same order within a metric, same values.
import { Counter, Histogram, Registry } from "prom-client";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestCounter, RequestHistogram } from "@/lib/metrics";

const BUCKETS = [0.0001, 0.001, 0.01, 0.1, 1];

async function exposition(make: (registry: Registry) => void): Promise<string> {
  const registry = new Registry();
  make(registry);
  return registry.metrics();
}

describe("lean request metrics", () => {
  it("a histogram renders as prom-client's does, for any observations", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.constantFrom(...BUCKETS, 0)), { maxLength: 50 }),
        async (values) => {
          const theirs = await exposition((registry) => {
            const h = new Histogram({ name: "h_seconds", help: "A histogram", buckets: BUCKETS, registers: [registry] });
            for (const v of values) h.observe(v);
          });
          const ours = await exposition((registry) => {
            const h = new RequestHistogram({ name: "h_seconds", help: "A histogram", buckets: BUCKETS, registers: [registry] });
            for (const v of values) h.observe(v);
          });
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a labelled counter renders as prom-client's does, label sets in first-seen order", async () => {
    const calls: [string, string, number][] = [
      ["m-1", "in_limit", 1],
      ["m-2", "429", 1],
      ["m-1", "in_limit", 3],
      ['odd "model"\\n', "over_limit", 1],
      ["m-2", "429", 2],
    ];
    const theirs = await exposition((registry) => {
      const c = new Counter({ name: "c_total", help: "A counter", labelNames: ["model", "outcome"], registers: [registry] });
      for (const [model, outcome, by] of calls) c.inc({ model, outcome }, by);
    });
    const ours = await exposition((registry) => {
      const c = new RequestCounter({
        name: "c_total",
        help: "A counter",
        labelNames: ["model", "outcome"] as const,
        registers: [registry],
      });
      for (const [model, outcome, by] of calls) c.inc({ model, outcome }, by);
    });
    expect(ours).toBe(theirs);
    expect(ours).toContain('c_total{model="m-1",outcome="in_limit"} 4');
  });

  it("reset empties both", async () => {
    const registry = new Registry();
    const h = new RequestHistogram({ name: "h_seconds", help: "A histogram", buckets: BUCKETS, registers: [registry] });
    const c = new RequestCounter({ name: "c_total", help: "A counter", labelNames: ["model", "outcome"] as const, registers: [registry] });
    h.observe(0.5);
    c.inc({ model: "m", outcome: "in_limit" });
    registry.resetMetrics();
    expect(await registry.metrics()).toContain("h_seconds_count 0");
    expect(await registry.metrics()).not.toContain("c_total{");
  });
});

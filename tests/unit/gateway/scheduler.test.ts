// The per-model serving slots (SPEC §6): in-limit ("high") requests queued for a saturated model are
// served before over-limit ("low") ones, each priority in arrival order; a full queue sheds the
// newest over-limit request to make room for an in-limit one, refuses a new over-limit request, and
// refuses an in-limit one only when no over-limit request is left to shed.
import { getEventListeners } from "node:events";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OverloadedError, Scheduler, type Priority } from "@/lib/gateway/scheduler";

const settle = () => new Promise((r) => setImmediate(r));

/** Queue requests and note, in order, which were granted a slot or shed. */
function harness(concurrency: number, queueFactor: number) {
  const scheduler = new Scheduler(queueFactor);
  const events: string[] = [];
  const releases = new Map<string, () => void>();
  let slots = concurrency;
  /** The model's concurrency as the next request carries it (an operator's edit). */
  const setSlots = (n: number) => (slots = n);
  const ask = (name: string, priority: Priority, signal?: AbortSignal) => {
    scheduler.acquire("m", slots, priority, signal ? () => signal : undefined).then(
      (release) => {
        events.push(`run ${name}`);
        releases.set(name, release);
      },
      (err: Error) => events.push(`${err instanceof OverloadedError ? "shed" : "gone"} ${name}`),
    );
  };
  const finish = async (name: string) => {
    releases.get(name)!();
    await settle();
  };
  return { scheduler, events, ask, finish, setSlots };
}

describe("Scheduler", () => {
  it("serves queued in-limit requests first, each priority in arrival order", async () => {
    const { events, ask, finish } = harness(1, 8);
    ask("first", "low");
    ask("low-1", "low");
    ask("high-1", "high");
    ask("low-2", "low");
    ask("high-2", "high");
    await settle();
    expect(events).toEqual(["run first"]);
    for (const name of ["first", "high-1", "high-2", "low-1"]) await finish(name);
    expect(events).toEqual(["run first", "run high-1", "run high-2", "run low-1", "run low-2"]);
  });

  it("a raised concurrency starts queued requests at once, in-limit first; a lowered one takes effect as requests finish", async () => {
    const { events, ask, finish, setSlots } = harness(1, 8);
    ask("busy", "high");
    ask("low-1", "low");
    ask("high-1", "high");
    ask("low-2", "low");
    await settle();
    expect(events).toEqual(["run busy"]);
    setSlots(3); // the next request carries the new concurrency: two queued requests start with it
    ask("high-2", "high");
    await settle();
    expect(events).toEqual(["run busy", "run high-1", "run low-1"]);
    setSlots(1);
    ask("low-3", "low");
    await finish("busy"); // three running, one slot: nothing starts…
    await finish("high-1");
    expect(events).toHaveLength(3);
    await finish("low-1"); // …until none is left running
    expect(events.at(-1)).toBe("run high-2");
    await finish("high-2");
    expect(events.at(-1)).toBe("run low-2");
  });

  it("a full queue sheds the newest over-limit request for an in-limit one, and refuses new over-limit ones", async () => {
    const { events, ask, finish } = harness(1, 2); // one slot, two queued at most
    ask("busy", "high");
    ask("low-1", "low");
    ask("low-2", "low");
    await settle();
    ask("high-1", "high"); // full: low-2 (the newest over-limit) makes room
    ask("low-3", "low"); // full again: refused
    await settle();
    expect(events).toEqual(["run busy", "shed low-2", "shed low-3"]);
    ask("high-2", "high"); // full: low-1 makes room
    await settle();
    expect(events.at(-1)).toBe("shed low-1");
    ask("high-3", "high"); // full of in-limit requests: refused
    await settle();
    expect(events.at(-1)).toBe("shed high-3");
    for (const name of ["busy", "high-1"]) await finish(name);
    expect(events.slice(-2)).toEqual(["run high-1", "run high-2"]);
  });

  it("a request whose client goes away leaves the queue", async () => {
    const { scheduler, events, ask, finish } = harness(1, 8);
    const gone = new AbortController();
    ask("busy", "high");
    ask("leaves", "high", gone.signal);
    ask("stays", "low");
    await settle();
    gone.abort();
    await settle();
    expect(scheduler.depth("m")).toEqual({ high: 0, low: 1 });
    await finish("busy");
    expect(events).toEqual(["run busy", "gone leaves", "run stays"]);
  });

  it("a request whose client has already gone is not queued, and sheds no one to make room", async () => {
    const { scheduler, events, ask, finish } = harness(1, 1); // one slot, one queued at most
    const gone = new AbortController();
    gone.abort();
    ask("busy", "high");
    ask("low-1", "low");
    ask("left-before", "high", gone.signal);
    await settle();
    expect(events).toEqual(["run busy", "gone left-before"]);
    expect(scheduler.depth("m")).toEqual({ high: 0, low: 1 });
    await finish("busy");
    expect(events.at(-1)).toBe("run low-1");
  });

  it("over random arrivals and completions: never more running than the slots, a freed slot always goes to an in-limit request if one waits, nothing both run and shed", async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("arrive" as const), priority: fc.constantFrom<Priority>("high", "low") }),
      fc.record({ kind: fc.constant("finish" as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(op, { maxLength: 60 }),
        async (slots, factor, ops) => {
          const scheduler = new Scheduler(factor);
          const running = new Map<number, { release: () => void; priority: Priority }>();
          const outcome = new Map<number, "run" | "shed">();
          let n = 0;
          for (const o of ops) {
            if (o.kind === "arrive") {
              const id = n++;
              const priority = o.priority;
              scheduler.acquire("m", slots, priority).then(
                (release) => {
                  expect(outcome.has(id)).toBe(false);
                  outcome.set(id, "run");
                  running.set(id, { release, priority });
                },
                () => {
                  expect(outcome.has(id)).toBe(false);
                  outcome.set(id, "shed");
                },
              );
            } else if (running.size > 0) {
              const ids = [...running.keys()];
              const id = ids[o.pick % ids.length]!;
              const before = scheduler.depth("m");
              const ran = new Set(running.keys());
              running.get(id)!.release();
              running.delete(id);
              await settle();
              const started = [...running.entries()].filter(([k]) => !ran.has(k));
              // The freed slot went to the oldest waiter of the highest priority that had one.
              if (before.high > 0) expect(started.map(([, r]) => r.priority)).toEqual(["high"]);
              else if (before.low > 0) expect(started.map(([, r]) => r.priority)).toEqual(["low"]);
              else expect(started).toEqual([]);
            }
            await settle();
            expect(running.size).toBeLessThanOrEqual(slots);
            const depth = scheduler.depth("m");
            expect(depth.high + depth.low).toBeLessThanOrEqual(slots * factor);
            // Every request is running, queued or shed — exactly one of them.
            expect(outcome.size + depth.high + depth.low).toBe(n);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("the queue's abort listener", () => {
  it("goes when the waiter is granted a slot or shed, so a long request's signal does not keep it", async () => {
    const scheduler = new Scheduler(1);
    const first = await scheduler.acquire("m", 1, "high");
    const granted = new AbortController();
    const shed = new AbortController();
    const waiting = scheduler.acquire("m", 1, "low", () => shed.signal);
    const grantedWait = scheduler.acquire("m", 1, "high", () => granted.signal); // queue full: sheds the low one
    await expect(waiting).rejects.toBeInstanceOf(OverloadedError);
    expect(getEventListeners(shed.signal, "abort")).toHaveLength(0);
    first();
    await grantedWait;
    expect(getEventListeners(granted.signal, "abort")).toHaveLength(0);
  });
});

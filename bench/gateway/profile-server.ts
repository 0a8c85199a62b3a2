// Headroom as bench/gateway/headroom-server.ts runs it, with the V8 CPU profiler on for a window
// of the run (PROFILE_AFTER_MS after start, for PROFILE_FOR_MS), written to PROFILE_OUT: a profile
// of the steady state, without start-up and warm-up. For finding where a request's CPU goes.
import fs from "node:fs";
import { Session } from "node:inspector/promises";

const after = Number(process.env.PROFILE_AFTER_MS ?? 6_000);
const span = Number(process.env.PROFILE_FOR_MS ?? 5_000);
const out = process.env.PROFILE_OUT ?? "/tmp/headroom.cpuprofile";

await import("./headroom-server");
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 200 });
setTimeout(() => {
  void (async () => {
    await session.post("Profiler.start");
    await new Promise((r) => setTimeout(r, span));
    const { profile } = await session.post("Profiler.stop");
    fs.writeFileSync(out, JSON.stringify(profile));
    console.log(`profile written to ${out}`);
  })();
}, after).unref();

// The shared build lock a served production build is held under (lib/runtime/next-build.ts): held by
// the server process itself for as long as it lives, with no `flock` parent in its process group that
// a SIGTERM to the group would kill first (releasing the lock early and orphaning the server).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "headroom-build-lock-"));
const lock = path.join(dir, "build.lock");
let buildLock: typeof import("@/lib/runtime/next-build");

beforeAll(async () => {
  process.env.HEADROOM_BUILD_LOCK = lock;
  buildLock = await import("@/lib/runtime/next-build");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The pids in process group `pgid` (Linux /proc). */
function groupMembers(pgid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ")[2] === String(pgid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const exclusiveNow = () => spawnSync("flock", ["-n", lock, "true"]).status === 0;

describe("servingUnderBuildLock", () => {
  it("the command itself holds the shared lock until it exits, alone in its process group", async () => {
    expect(buildLock.BUILD_LOCK).toBe(lock);
    const script = "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000); console.log('ready')";
    const argv = buildLock.servingUnderBuildLock([process.execPath, "-e", script]);
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    const ready = new Promise((resolve) => child.stdout!.once("data", resolve));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await ready;
      const holders = buildLock.lockHolders(lock);
      expect(holders).toHaveLength(1);
      expect(holders[0]).toContain(`pid ${child.pid} `);
      expect(holders[0]).toContain(process.execPath);
      expect(exclusiveNow()).toBe(false); // a build waits for it
      expect(spawnSync("flock", ["-n", "-s", lock, "true"]).status).toBe(0); // other servers do not
      expect(groupMembers(child.pid!)).toEqual([child.pid]);

      process.kill(-child.pid!, "SIGTERM");
      expect(await exited).toBe(0);
      expect(buildLock.lockHolders(lock)).toEqual([]);
      expect(exclusiveNow()).toBe(true);
    } finally {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  });

  it("waits for a build holding the lock, then runs", async () => {
    const building = spawn("flock", [lock, "sleep", "1"], { stdio: "ignore" });
    const built = new Promise((resolve) => building.once("exit", resolve));
    for (const until = Date.now() + 5_000; exclusiveNow() && Date.now() < until;) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const argv = buildLock.servingUnderBuildLock(["true"]);
    const served = spawn(argv[0]!, argv.slice(1), { stdio: "ignore" });
    const code = await new Promise<number | null>((resolve) => served.once("exit", resolve));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(300);
    await built;
  });
});

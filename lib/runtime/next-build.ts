// The production build in .next/, made when missing: by `npm start` (scripts/start.ts) and by the
// tests that serve it as `npm start` does. It is built under an exclusive lock and tests serve it
// under a shared one, so nobody rebuilds it under a running server or builds it twice at once. The
// lock belongs to this checkout: a CI clone and a worktree beside it never wait on each other, and
// a wait that outlasts a build ends in an error naming the processes that hold the lock. Where
// `flock` is missing (macOS) `npm start` builds without it: only the Linux test runs need it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const BUILD_LOCK = process.env.HEADROOM_BUILD_LOCK ?? path.join(ROOT, ".next-build.lock");
/** Longer than a build under a busy test run (~2 min), shorter than the hooks that wait (≥ 240 s). */
export const BUILD_LOCK_WAIT_S = 200;
/** flock's exit status when the wait ran out (-E), told apart from the command's own failures. */
export const LOCK_TIMED_OUT = 75;

/** `flock` arguments that run a command under the build lock: shared to serve, exclusive to build. */
export function underBuildLock(mode: "shared" | "exclusive"): string[] {
  return ["flock", ...(mode === "shared" ? ["-s"] : []), "-w", String(BUILD_LOCK_WAIT_S), "-E", String(LOCK_TIMED_OUT), BUILD_LOCK];
}

export const hasBuild = (): boolean => fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"));

const hasFlock = (): boolean => spawnSync("flock", ["--version"], { stdio: "ignore" }).status === 0;

/** `next build` once, under the exclusive lock, when there is no production build yet. */
export function ensureNextBuild(): void {
  if (hasBuild()) return;
  const build = "test -f .next/BUILD_ID || npx next build";
  const [cmd, ...args] = hasFlock() ? [...underBuildLock("exclusive"), "sh", "-c", build] : ["sh", "-c", build];
  const built = spawnSync(cmd!, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (built.status === LOCK_TIMED_OUT) throw new Error(buildLockTimeout());
  if (built.status !== 0) throw new Error(`next build failed (exit ${built.status ?? built.signal})`);
}

/** Why a wait for the build lock ran out: who holds it, by pid, age and command line. */
export function buildLockTimeout(): string {
  return `waited ${BUILD_LOCK_WAIT_S} s for the build lock ${BUILD_LOCK}; held by: ${lockHolders(BUILD_LOCK).join("; ") || "nobody now"}`;
}

/** The processes holding a lock on `file`, read from /proc/locks (Linux), for error messages. */
export function lockHolders(file: string): string[] {
  let inode: number;
  try {
    inode = fs.statSync(file).ino;
  } catch {
    return [];
  }
  const read = (p: string) => {
    try {
      return fs.readFileSync(p, "utf8");
    } catch {
      return "";
    }
  };
  // "1: FLOCK  ADVISORY  WRITE 3869 fe:00:1474578 0 EOF": type, mode, pid, device:inode.
  const pids = new Set<string>();
  for (const line of read("/proc/locks").split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[5]?.endsWith(`:${inode}`) && f[4]) pids.add(f[4]);
  }
  return [...pids].map((pid) => {
    const cmd = read(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim() || "(gone)";
    const parent = read(`/proc/${pid}/stat`).split(") ")[1]?.split(" ")[1];
    return `pid ${pid} (parent ${parent ?? "?"}): ${cmd}`;
  });
}

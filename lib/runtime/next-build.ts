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

/** `flock` arguments that run a command under the exclusive build lock (to build). */
const BUILDING = ["flock", "-w", String(BUILD_LOCK_WAIT_S), "-E", String(LOCK_TIMED_OUT), BUILD_LOCK];

/**
 * A command line that runs `command` holding the shared build lock for as long as it lives, with no
 * process in between: a shell opens the lock file on fd 9, `flock` takes the lock on it and returns,
 * and the shell execs the command, which keeps fd 9 (and so the lock) until it exits. A `flock`
 * parent would die on the SIGTERM sent to the server's process group, releasing the lock early and
 * orphaning the server, whose exit nobody then reaps promptly.
 */
export function servingUnderBuildLock(command: string[]): string[] {
  const script = `exec 9>>"$0" && flock -s -w ${BUILD_LOCK_WAIT_S} -E ${LOCK_TIMED_OUT} 9 && exec "$@"`;
  return ["sh", "-c", script, BUILD_LOCK, ...command];
}

export const hasBuild = (): boolean => fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"));

const hasFlock = (): boolean => spawnSync("flock", ["--version"], { stdio: "ignore" }).status === 0;

/** `next build` once, under the exclusive lock, when there is no production build yet. */
export function ensureNextBuild(): void {
  if (hasBuild()) return;
  const build = "test -f .next/BUILD_ID || npx next build";
  const [cmd, ...args] = hasFlock() ? [...BUILDING, "sh", "-c", build] : ["sh", "-c", build];
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
  // A lock taken by a `flock` that then exec'd or handed its descriptor on (servingUnderBuildLock)
  // names a pid that is gone: the holders are then whoever has the file open.
  if ([...pids].some((pid) => !fs.existsSync(`/proc/${pid}`))) for (const pid of openedBy(file)) pids.add(pid);
  return [...pids]
    .filter((pid) => fs.existsSync(`/proc/${pid}`))
    .map((pid) => {
      const cmd = read(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim();
      const parent = read(`/proc/${pid}/stat`).split(") ")[1]?.split(" ")[1];
      return `pid ${pid} (parent ${parent ?? "?"}): ${cmd}`;
    });
}

/** The processes with `file` open (their /proc/<pid>/fd links), for error messages. */
function openedBy(file: string): string[] {
  const target = fs.realpathSync(file);
  const list = (dir: string) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  };
  return list("/proc")
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) =>
      list(`/proc/${pid}/fd`).some((fd) => {
        try {
          return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === target;
        } catch {
          return false;
        }
      }),
    );
}

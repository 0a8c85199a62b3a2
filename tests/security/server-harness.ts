// Run Headroom exactly as `npm start` does (scripts/start.ts: Next production build + the /v1 fast
// path, embedded PGlite in a throwaway folder) in a child process, capturing everything it prints.
// The production build in .next/ is shared: it is built (if missing) under an exclusive lock and
// served under a shared one, so nobody rebuilds it under a running test (lib/runtime/next-build.ts).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildLockTimeout, ensureNextBuild, LOCK_TIMED_OUT, servingUnderBuildLock } from "../../lib/runtime/next-build";
import { ROOT } from "./discover";

export interface RunningServer {
  url: string;
  port: number;
  /** The process group the server runs in, led by its node process (signal all of it, as a supervisor would). */
  pgid: number;
  /** Its data folder (embedded PGlite under db/), removed by stop(). */
  dataDir: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Closes the reading ends of its stdout and stderr, as when the process reading them dies. */
  closeOutput: () => void;
  stop: () => Promise<void>;
}

/** Process groups of servers still running: killed when this test process exits, however it ends its tests. */
const running = new Set<number>();
process.once("exit", () => {
  for (const pgid of running) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startServer(env: Record<string, string>, opts: { port?: number; lock?: boolean } = {}): Promise<RunningServer> {
  ensureNextBuild();
  const port = opts.port ?? (await freePort());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "headroom-sec-"));
  let out = "";
  // lock: false when the caller already holds the build lock (a shared lock would wait for it forever).
  // As `npm start` runs it: node with tsx's loader, no tsx parent relaying signals (it would SIGKILL a busy server).
  const command = [process.execPath, "--import", "tsx", "scripts/start.ts"];
  const argv = opts.lock === false ? command : servingUnderBuildLock(command);
  const proc: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HEADROOM_DATA_DIR: dataDir,
      HEADROOM_STRIPE_EMULATOR_PORT: String(opts.port ? opts.port + 10_000 : await freePort()),
      DATABASE_URL: "",
      REDIS_URL: "",
      ...env,
    },
  });
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  let exited = false;
  let exitCode: number | null = null;
  running.add(proc.pid!);
  proc.on("exit", (code) => {
    exited = true;
    exitCode = code;
    running.delete(proc.pid!);
  });
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited && exitCode === LOCK_TIMED_OUT && opts.lock !== false) throw new Error(buildLockTimeout());
    if (exited) throw new Error(`the server exited before it was healthy:\n${out}`);
    if (Date.now() > deadline) throw new Error(`the server was not healthy within 120 s:\n${out}`);
    const ok = await fetch(`${url}/api/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port,
    pgid: proc.pid!,
    dataDir,
    output: () => out,
    closeOutput: () => {
      proc.stdout!.destroy();
      proc.stderr!.destroy();
    },
    stop: async () => {
      if (!exited) {
        const gone = new Promise((r) => proc.once("exit", r));
        process.kill(-proc.pid!, "SIGTERM");
        const timer = setTimeout(() => {
          try {
            process.kill(-proc.pid!, "SIGKILL");
          } catch {
            /* already gone */
          }
        }, 10_000);
        await gone;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A cookie jar good enough for next-auth: name=value pairs from Set-Cookie headers. */
export class Jar {
  private cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** Sign in through next-auth's credentials provider, as the sign-in form does. */
export async function signIn(url: string, email: string, password: string): Promise<{ jar: Jar; ok: boolean; error: string | null }> {
  const jar = new Jar();
  const csrfRes = await fetch(`${url}/api/auth/csrf`);
  jar.take(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header(), origin: url },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${url}/`, json: "true" }),
  });
  jar.take(res);
  // With json=true next-auth answers {url} instead of redirecting; the error (if any) is in that URL.
  const location = res.headers.get("location") ?? ((await res.json().catch(() => ({}))) as { url?: string }).url ?? "";
  const error = new URL(location || "/", url).searchParams.get("error");
  return { jar, ok: Boolean(jar.get("next-auth.session-token")), error };
}

// Test harness for the CLI: builds it with cli/build.mjs (into a temp dir per test file, so
// parallel test files never race on cli/dist), runs the built file as a subprocess, and starts the
// app the way `npm start` does (scripts/start.ts on the embedded database, a random port).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ensureNextBuild } from "../../../lib/runtime/next-build";

export const root = path.resolve(import.meta.dirname, "../../..");
export const DEMO_KEY = "hr_cliTestKey000000000000000000000000000000";

const tempDirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `headroom-cli-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory tempDir() made in this test file (call from afterAll). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Builds the CLI bundle with the project's build script; returns the built file. */
export function buildCli(): string {
  const outfile = path.join(tempDir("build"), "headroom.mjs");
  execFileSync(process.execPath, [path.join(root, "cli/build.mjs"), "--outfile", outfile], { cwd: root, stdio: "pipe" });
  return outfile;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  /** Run this file instead of the built bundle (e.g. cli/bin/headroom.mjs). */
  entry?: string;
}

/** Runs the CLI with a clean environment: no colours, no inherited HEADROOM_* settings. */
export function runCli(bundle: string, args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { NODE_ENV: process.env.NODE_ENV };
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("HEADROOM_") && k !== "FORCE_COLOR") env[k] = v;
  env.NO_COLOR = "1";
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.entry ?? bundle, ...args], { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export interface App {
  url: string;
  stop(): Promise<void>;
  /** Whether this build serves `path` (other engineers' routes may not be built yet). */
  serves(method: string, path: string): Promise<boolean>;
}

/** Starts Headroom like `npm start` (scripts/start.ts) on a fresh embedded database. */
export async function startApp(): Promise<App> {
  ensureNextBuild();
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const dataDir = tempDir("data");
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HEADROOM_STRIPE_EMULATOR_PORT: String(emulatorPort),
      HEADROOM_DATA_DIR: dataDir,
      HEADROOM_DEMO_API_KEY: DEMO_KEY,
      HEADROOM_LOG_LEVEL: "warn",
      DATABASE_URL: "",
      REDIS_URL: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  let exited: number | null | undefined;
  // Never outlive this test process, however it ends.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.on("exit", (code) => {
    exited = code;
    process.off("exit", killOnExit);
  });

  const stop = async () => {
    if (exited === undefined) {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`the app exited (${exited}) before it was healthy:\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app was not healthy within 150 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    stop,
    async serves(method, routePath) {
      const res = await fetch(`${url}${routePath}`, {
        method,
        headers: { authorization: `Bearer ${DEMO_KEY}`, "content-type": "application/json" },
        body: method === "GET" ? undefined : "{}",
      });
      // Next answers an unknown route with its HTML 404 page; a Headroom route always answers JSON.
      return (res.headers.get("content-type") ?? "").includes("application/json");
    },
  };
}

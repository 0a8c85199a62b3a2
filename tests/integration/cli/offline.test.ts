// The CLI without a Headroom server: help, usage errors (exit 2), an unreachable or wrong server
// (exit 3 / exit 1), colours, the launcher, and `simulate-limits`, which must run offline and
// print exactly what `npm run simulate:limits` prints.
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, DEMO_KEY, freePort, removeTempDirs, root, runCli, tempDir } from "./harness";

let cli: string;
let closedPort: number;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  cli = buildCli();
  closedPort = await freePort();
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  removeTempDirs();
});

const COMMANDS = [
  ["login"],
  ["logout"],
  ["list"],
  ["list", "quotas"],
  ["list", "invoices"],
  ["list", "api-keys"],
  ["list", "deployments"],
  ["list", "quota-requests"],
  ["get"],
  ["get", "account"],
  ["get", "invoice"],
  ["update"],
  ["update", "quota"],
  ["create", "api-key"],
  ["revoke", "api-key"],
  ["pay", "invoice"],
  ["buy", "credits"],
  ["request", "quota"],
  ["usage"],
  ["rate-limits"],
  ["simulate-limits"],
];

describe("help", () => {
  it("the root help lists every command, the global options, examples and the exit codes", async () => {
    const { code, stdout } = await runCli(cli, ["--help"]);
    expect(code).toBe(0);
    for (const name of [
      "login",
      "logout",
      "list",
      "get",
      "update",
      "create",
      "revoke",
      "pay",
      "buy",
      "request",
      "usage",
      "rate-limits",
      "simulate-limits",
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    }
    for (const option of ["--api-key", "--base-url", "--output", "--timeout", "--no-color", "HEADROOM_API_KEY", "HEADROOM_BASE_URL"]) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toContain("Examples:");
    expect(stdout).toContain("$ headroom update quota monthly-spend-usd --value 200");
    expect(stdout).toMatch(/Exit codes: 0 ok · 1 .* 2 usage error .* 3 cannot reach the server/s);
  });

  // Subprocesses: run a few at a time (each test asserts with its own `expect`).
  it.concurrent.for(COMMANDS.map((c) => c.join(" ")))(
    "`headroom %s --help` documents the command with examples and the global options",
    async (command, { expect }) => {
      const path = command.split(" ");
      const { code, stdout, stderr } = await runCli(cli, [...path, "--help"]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: headroom ${path.join(" ")}`);
      expect(stdout).toContain("Examples:\n  $ headroom ");
      expect(stdout).toContain("Global Options:");
    },
  );

  it("--version prints the package version", async () => {
    const { code, stdout } = await runCli(cli, ["--version"]);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });
});

describe("usage errors exit 2", () => {
  it.concurrent.for([
    [["list", "quotas", "--bogus"], /unknown option '--bogus'/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["list"], /Usage: headroom list/],
    [["update", "quota", "monthly-spend-usd"], /required option '--value <usd>' not specified/],
    [["update", "quota", "monthly-spend-usd", "--value", "abc"], /--value: must be a non-negative amount in USD/],
    [["update", "quota", "monthly-spend-usd", "--value", "12.345"], /at most two decimals/],
    [["--output", "yaml", "list", "quotas"], /argument 'yaml' is invalid\. Allowed choices are table, json/],
    [["pay", "invoice"], /missing required argument 'id'/],
    [["buy", "credits", "--amount", "12.50"], /--amount: must be a whole number of US dollars/],
    [["buy", "credits", "--amount", "3"], /--amount: must be from \$5\.00 to \$50,000\.00/],
    [["usage", "--since", "forever"], /--since: must be a duration like "15m", "1h", "24h" or "7d"/],
    [["usage", "--granularity", "week"], /--granularity: must be minute, hour or day/],
    [["request", "quota", "a100-gpus", "--value", "16"], /required option '--reason <text>' not specified/],
    [["request", "quota", "a100-gpus", "--value", "lots", "--reason", "x"], /--value: must be a whole number/],
    [["request", "quota", "gpus", "--value", "16", "--reason", "x"], /<name>: must be one of deployed-models, a100-gpus, h100-gpus/],
    [["request", "quota", "monthly-spend-usd", "--value", "900", "--reason", "x"], /set it within your tier with `headroom update quota/],
    [["create", "api-key", "--name", ""], /--name: name must not be empty/],
    [["list", "quotas", "--timeout", "0"], /--timeout <seconds>' argument '0' is invalid/],
    [["list", "quotas", "--base-url", "localhost:3000"], /--base-url must be an http\(s\) URL/],
    [["login", "--api-key", "not-a-key"], /not a Headroom API key/],
    [["get", "account", "extra"], /too many arguments/],
  ] satisfies [string[], RegExp][])("headroom %j", async ([args, message], { expect }) => {
    // A server URL that would refuse: usage errors are caught before any request.
    const { code, stdout, stderr } = await runCli(cli, args, {
      env: { HEADROOM_BASE_URL: `http://127.0.0.1:${closedPort}`, HEADROOM_API_KEY: DEMO_KEY },
    });
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
    expect(stdout).toBe("");
  });
});

describe("cannot reach the server: exit 3, with the base URL", () => {
  const env = { HEADROOM_API_KEY: DEMO_KEY, XDG_CONFIG_HOME: "/nonexistent" };

  it("connection refused", async () => {
    const base = `http://127.0.0.1:${closedPort}`;
    const { code, stderr } = await runCli(cli, ["list", "quotas", "--base-url", base], { env });
    expect(code).toBe(3);
    expect(stderr.trim()).toBe(
      `error: cannot reach Headroom at ${base} (connection refused, ECONNREFUSED); is the server running? Set --base-url or HEADROOM_BASE_URL`,
    );
  });

  it("unknown host (DNS)", async () => {
    const { code, stderr } = await runCli(cli, ["get", "account", "--base-url", "http://headroom.invalid", "--timeout", "5"], { env });
    expect(code).toBe(3);
    expect(stderr).toMatch(/^error: cannot reach Headroom at http:\/\/headroom\.invalid \((host not found|DNS lookup failed|no answer)/);
  });

  it("a server that never answers: timeout", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const base = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const started = Date.now();
    const { code, stderr } = await runCli(cli, ["list", "quotas", "--base-url", base, "--timeout", "1"], { env });
    expect(code).toBe(3);
    expect(stderr).toContain(`error: cannot reach Headroom at ${base} (no answer within 1s)`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("a server that is not Headroom: exit 1", () => {
  it("an HTML 404 names the endpoint the server lacks", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<!doctype html><h1>404</h1>");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const { code, stderr } = await runCli(cli, ["list", "invoices", "--base-url", base], { env: { HEADROOM_API_KEY: DEMO_KEY } });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`error: ${base} has no GET /api/v1/invoices (HTTP 404): is it an older Headroom, or not Headroom at all?`);
  });

  it("no key anywhere: says how to log in", async () => {
    const { code, stderr } = await runCli(cli, ["list", "quotas"], { env: { XDG_CONFIG_HOME: tempDir("empty") } });
    expect(code).toBe(1);
    expect(stderr).toContain("error: not logged in: run `headroom login`, pass --api-key or set HEADROOM_API_KEY");
  });
});

describe("colour", () => {
  it("only when asked for on a pipe (FORCE_COLOR), never with NO_COLOR or --no-color", async () => {
    const args = ["simulate-limits", "--minutes", "1", "--traffic", "bogus"];
    const forced = await runCli(cli, args, { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
    expect(forced.stderr).toContain("\u001b[31m");
    const plain = await runCli(cli, args, { env: { NO_COLOR: undefined } });
    expect(plain.stderr).not.toContain("\u001b[");
    const noColor = await runCli(cli, args, { env: { NO_COLOR: "1", FORCE_COLOR: "1" } });
    expect(noColor.stderr).not.toContain("\u001b[");
    const flag = await runCli(cli, [...args, "--no-color"], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
    expect(flag.stderr).not.toContain("\u001b[");
  });
});

describe("simulate-limits (offline)", () => {
  const offline = { HEADROOM_BASE_URL: "http://127.0.0.1:1", XDG_CONFIG_HOME: "/nonexistent" };

  it("prints SPEC §6's growth table: 60 → 120 (10 min) → 720 (1 h) → 1440 (2 h) RPM", async () => {
    const { code, stdout } = await runCli(cli, ["simulate-limits", "--minutes", "130", "--traffic", "track"], { env: offline });
    expect(code).toBe(0);
    const rpmAt = (minute: number) => {
      const row = stdout.split("\n").find((l) => l.trim().split(/\s+/)[0] === String(minute));
      return Number(row?.trim().split(/\s+/)[1]);
    };
    expect([rpmAt(0), rpmAt(10), rpmAt(60), rpmAt(120)]).toEqual([60, 120, 720, 1440]);
    expect(stdout).toContain("policy default: sent ");
  });

  it("needs no server, no key and no readable login file", async () => {
    const xdg = tempDir("corrupt");
    fs.mkdirSync(path.join(xdg, "headroom"));
    fs.writeFileSync(path.join(xdg, "headroom", "config.json"), "{not json");
    const { code } = await runCli(cli, ["simulate-limits", "--minutes", "5"], { env: { ...offline, XDG_CONFIG_HOME: xdg } });
    expect(code).toBe(0);
  });

  it.concurrent.for([
    ["--minutes", "130"],
    ["--policy", "large", "--traffic", "ramp:30:600", "--minutes", "40"],
    ["--traffic", "spike:500@5:20", "--minutes", "15"],
    ["--load", "0.95", "--minutes", "20", "--prompt-tokens", "10", "--max-tokens", "5"],
    ["--policy", "small", "--minutes", "30", "--json"],
  ])("prints what `npm run simulate:limits -- %s …` prints", async (flags, { expect }) => {
    const script = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/simulate-limits.ts", ...flags], { cwd: root });
    const { code, stdout } = await runCli(cli, ["simulate-limits", ...flags], { env: offline });
    expect(code).toBe(0);
    expect(stdout).toBe(script.stdout);
  });

  it("--output json is the same JSON as --json", async () => {
    const a = await runCli(cli, ["--output", "json", "simulate-limits", "--minutes", "3"], { env: offline });
    const b = await runCli(cli, ["simulate-limits", "--minutes", "3", "--json"], { env: offline });
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout)).toMatchObject({ policyName: "default", minutes: 3, rows: [{ minute: 0 }, { minute: 1 }, { minute: 2 }] });
  });

  it.each([
    [["--traffic", "zigzag"], /--traffic "zigzag" is not a traffic pattern/],
    [["--minutes", "0"], /--minutes must be a whole number from 1 to 10080, got "0"/],
    [["--policy", "huge"], /unknown policy "huge" \(known: default, small, large\)/],
    [["--load", "11"], /--load must be a number from 0 to 10/],
  ])("refuses %j like the script does (exit 2)", async (flags, message) => {
    const { code, stderr } = await runCli(cli, ["simulate-limits", ...flags], { env: offline });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe("the launcher (package.json bin: cli/bin/headroom.mjs)", () => {
  it("falls back to the TypeScript sources through tsx", async () => {
    const { code, stdout } = await runCli(cli, ["simulate-limits", "--minutes", "2"], {
      entry: path.join(root, "cli/bin/headroom.mjs"),
      env: { HEADROOM_CLI_FROM_SOURCE: "1" },
    });
    expect(code).toBe(0);
    expect(stdout).toContain("policy default: sent 120");
  });
});

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, parseTraffic, requestsInMinute, simulate } from "@/lib/limits";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../../..");

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/simulate-limits.ts", ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("traffic patterns", () => {
  it("parses every documented pattern", () => {
    expect(parseTraffic("track")).toEqual({ ok: true, value: { kind: "track" } });
    expect(parseTraffic("constant:90")).toEqual({ ok: true, value: { kind: "constant", rpm: 90 } });
    expect(parseTraffic("ramp:10:600")).toEqual({ ok: true, value: { kind: "ramp", from: 10, to: 600 } });
    expect(parseTraffic("spike:500@30")).toEqual({ ok: true, value: { kind: "spike", rpm: 500, minute: 30, baseRpm: 0 } });
    expect(parseTraffic("spike:500@30:40")).toEqual({ ok: true, value: { kind: "spike", rpm: 500, minute: 30, baseRpm: 40 } });
  });

  it("refuses anything else with a message that names the grammar", () => {
    for (const bad of [
      "",
      "tracks",
      "track:1",
      "constant",
      "constant:-1",
      "constant:1.5",
      "ramp:1",
      "ramp:a:b",
      "spike:500",
      "spike:@3",
      "spike:5@3:x",
      "spike:5@3:1:2",
    ]) {
      const parsed = parseTraffic(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain("expected track | constant:<rpm>");
    }
  });

  it("ramps linearly from the first minute to the last", () => {
    const ramp = { kind: "ramp", from: 0, to: 100 } as const;
    expect([0, 5, 10].map((m) => requestsInMinute(ramp, m, 11, 60))).toEqual([0, 50, 100]);
  });
});

describe("simulator", () => {
  it("spreads requests evenly: a constant rate at the limit is all in-limit", () => {
    const rows = simulate({ policy: { ...DEFAULT_POLICY, growthRpmPerMinute: 0 }, traffic: { kind: "constant", rpm: 60 }, minutes: 5 });
    expect(rows.every((r) => r.admittedInLimit === 60)).toBe(true);
  });

  it("a spike far over the limit is served over-limit up to twice the limit, then rejected", () => {
    const [row] = simulate({ policy: DEFAULT_POLICY, traffic: { kind: "spike", rpm: 1000, minute: 0, baseRpm: 0 }, minutes: 1 });
    expect(row!.admittedInLimit + row!.admittedOverLimit + row!.rejected).toBe(1000);
    // 60 in the bucket + 60 of debt + a minute of refill (60), spread across the minute.
    expect(row!.admittedInLimit + row!.admittedOverLimit).toBeGreaterThanOrEqual(170);
    expect(row!.admittedInLimit + row!.admittedOverLimit).toBeLessThanOrEqual(181);
    expect(row!.rejected).toBeGreaterThan(800);
  });
});

describe("simulate-limits CLI", () => {
  it("prints SPEC §6's table for --traffic track", async () => {
    const { code, stdout } = await cli("--policy", "default", "--minutes", "180", "--traffic", "track", "--json");
    expect(code).toBe(0);
    const { rows } = JSON.parse(stdout) as {
      rows: { minute: number; limits: { requests: number; tokensPrompt: number; tokensGenerated: number } }[];
    };
    expect([0, 10, 60, 120].map((m) => rows[m]!.limits)).toEqual([
      { requests: 60, tokensPrompt: 60_000, tokensGenerated: 6_000 },
      { requests: 120, tokensPrompt: 120_000, tokensGenerated: 12_000 },
      { requests: 720, tokensPrompt: 720_000, tokensGenerated: 72_000 },
      { requests: 1440, tokensPrompt: 1_440_000, tokensGenerated: 144_000 },
    ]);
    expect(rows.at(-1)!.limits.requests).toBe(2000);
  });

  it("prints a table with a summary line", async () => {
    const { code, stdout } = await cli("--minutes", "3", "--traffic", "constant:90");
    expect(code).toBe(0);
    expect(stdout).toMatch(/minute\s+RPM\s+ITPM\s+OTPM\s+sent\s+in-limit\s+over-limit\s+rejected\s+sustained/);
    expect(stdout).toContain("policy default: sent 270");
  });

  it.concurrent.each([
    [["--traffic", "nope"], /--traffic "nope" is not a traffic pattern/],
    [["--minutes", "0"], /--minutes must be a whole number from 1/],
    [["--minutes", "abc"], /--minutes must be a whole number/],
    [["--policy", "gigantic"], /unknown policy "gigantic" \(known: default, small, large\)/],
    [["--load", "lots"], /--load must be a number from 0 to 10/],
    [["--load=-1"], /--load must be a number from 0 to 10/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
    [["extra"], /Unexpected argument 'extra'/],
  ])("exits 2 with a clear message on bad usage: %j", async (args, message) => {
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain("usage: npm run simulate:limits");
  });
});

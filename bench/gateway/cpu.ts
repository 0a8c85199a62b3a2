// Where the machine's CPU went during a run: Headroom's process group, PostgreSQL's processes,
// Redis, the load generator (this process) and everything else, read from /proc (Linux only).
// Divided by the requests served, it says which part a throughput gain has to come from.
import fs from "node:fs";
import os from "node:os";

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux the benchmark runs on

export interface CpuSample {
  at: bigint;
  server: number;
  postgres: number;
  redis: number;
  loader: number;
  total: number;
}

function procTicks(serverGroup: number): { server: number; postgres: number; redis: number } {
  let server = 0;
  let postgres = 0;
  let redis = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone since the listing
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces, so split after its closing parenthesis.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    if (Number(fields[2]) === serverGroup) server += ticks;
    else if (comm === "postgres") postgres += ticks;
    else if (comm.startsWith("redis-server")) redis += ticks;
  }
  return { server, postgres, redis };
}

function machineTicks(): number {
  return os.cpus().reduce((sum, c) => sum + c.times.user + c.times.sys + c.times.irq, 0) / (1000 / TICKS_PER_SECOND);
}

export function sampleCpu(serverGroup: number): CpuSample {
  const t = procTicks(serverGroup);
  const own = process.cpuUsage();
  return {
    at: process.hrtime.bigint(),
    server: t.server,
    postgres: t.postgres,
    redis: t.redis,
    loader: ((own.user + own.system) / 1e6) * TICKS_PER_SECOND,
    total: machineTicks(),
  };
}

/**
 * CPU per request (µs) by part, and the share of the machine's cores each used, between two samples.
 * `server` names the measured server's process group (a baseline is not Headroom).
 */
export function describeCpu(before: CpuSample, after: CpuSample, requests: number, server = "Headroom"): string {
  const seconds = Number(after.at - before.at) / 1e9;
  const cores = os.cpus().length;
  const parts: [string, number][] = [
    [server, after.server - before.server],
    ["PostgreSQL", after.postgres - before.postgres],
    ["Redis", after.redis - before.redis],
    ["load generator", after.loader - before.loader],
  ];
  const accounted = parts.reduce((s, [, t]) => s + t, 0);
  parts.push(["other", Math.max(0, after.total - before.total - accounted)]);
  const busy = parts.reduce((s, [, t]) => s + t, 0) / TICKS_PER_SECOND / seconds;
  const shown = parts
    .filter(([, t]) => t > 0)
    .map(
      ([name, t]) =>
        `${name} ${((t / TICKS_PER_SECOND / requests) * 1e6).toFixed(0)} µs (${((t / TICKS_PER_SECOND / seconds) * 100).toFixed(0)}%)`,
    );
  return `CPU per request: ${shown.join(", ")}; machine busy ${((busy / cores) * 100).toFixed(0)}% of ${cores} cores`;
}

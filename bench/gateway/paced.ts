// An open-loop load at a steady rate, for latency at a given throughput. autocannon's rate option
// lets every connection send as fast as it can until its per-second quota is used up, then pause
// until the next second: "half of peak" becomes full-speed bursts for half of each second, and
// its p99 is the p99 at peak. Here request i is due at start + i / rate, sent on an idle keep-alive
// connection (or queued until one frees up), and its latency counts from when it was due — so a
// stalled server is charged for the requests it kept waiting (no coordinated omission).
import net from "node:net";
import type { LoadResult } from "./load";

interface Conn {
  socket: net.Socket;
  buffer: Buffer;
  due: number;
  busy: boolean;
}

/** Length of the first complete HTTP response in `buf` and its status, or null if incomplete. */
function parseResponse(buf: Buffer): { length: number; status: number } | null {
  const head = buf.indexOf("\r\n\r\n");
  if (head < 0) return null;
  const text = buf.toString("latin1", 0, head);
  const status = Number(text.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
  if (length) {
    const total = head + 4 + Number(length[1]);
    return buf.length >= total ? { length: total, status } : null;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(text)) {
    const end = buf.indexOf("\r\n0\r\n\r\n", head);
    return end < 0 ? null : { length: end + 7, status };
  }
  return { length: head + 4, status };
}

export async function paced(
  name: string,
  target: string,
  opts: {
    rate: number;
    seconds: number;
    connections?: number;
    headers?: Record<string, string>;
    /** Request i carries set i mod n (e.g. several accounts' keys), in place of `headers`. */
    headerSets?: Record<string, string>[];
    body: string;
  },
): Promise<LoadResult> {
  const url = new URL(target);
  const body = Buffer.from(opts.body);
  const requests = (opts.headerSets ?? [opts.headers ?? {}]).map((headers) =>
    Buffer.concat([
      Buffer.from(
        `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n` +
          Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join("") +
          "\r\n",
      ),
      body,
    ]),
  );
  const total = Math.floor(opts.rate * opts.seconds);
  const latencies = new Float64Array(total);
  // BENCH_TIMELINE=1: p50/p99/max per second of the run (when each request was due), to tell a
  // steady tail from a stall at one moment.
  const dueAt = process.env.BENCH_TIMELINE === "1" && name !== "warm-up" ? new Float64Array(total) : null;
  let sent = 0;
  let written = 0;
  let completed = 0;
  let non2xx = 0;
  let errors = 0;
  const backlog: number[] = [];
  const idle: Conn[] = [];
  const start = performance.now() + 50;

  const send = (conn: Conn, due: number) => {
    conn.busy = true;
    conn.due = due;
    conn.socket.write(requests[written++ % requests.length]!);
  };
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const onFree = (conn: Conn) => {
    conn.busy = false;
    const next = backlog.shift();
    if (next !== undefined) send(conn, next);
    else idle.push(conn);
  };

  const conns = await Promise.all(
    Array.from(
      { length: opts.connections ?? 64 },
      () =>
        new Promise<Conn>((resolve, reject) => {
          const socket = net.connect(Number(url.port), url.hostname, () => resolve(conn));
          socket.setNoDelay(true);
          const conn: Conn = { socket, buffer: Buffer.alloc(0), due: 0, busy: false };
          socket.on("data", (chunk: Buffer) => {
            conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, chunk]) : chunk;
            const parsed = parseResponse(conn.buffer);
            if (!parsed) return;
            conn.buffer = conn.buffer.subarray(parsed.length);
            if (dueAt) dueAt[completed] = conn.due;
            latencies[completed++] = performance.now() - conn.due;
            if (parsed.status < 200 || parsed.status >= 300) non2xx++;
            if (completed === total) finish();
            onFree(conn);
          });
          socket.on("error", (err) => {
            errors++;
            reject(err);
          });
        }),
    ),
  );
  idle.push(...conns);

  const tick = setInterval(() => {
    const now = performance.now();
    while (sent < total && start + (sent * 1000) / opts.rate <= now) {
      const due = start + (sent * 1000) / opts.rate;
      sent++;
      const conn = idle.pop();
      if (conn) send(conn, due);
      else backlog.push(due);
    }
    if (sent === total) clearInterval(tick);
  }, 1);
  const timeout = setTimeout(finish, opts.seconds * 1000 + 10_000);
  await done;
  clearTimeout(timeout);
  clearInterval(tick);
  // Requests still unanswered when the run gave up count with what they had waited by then, so a
  // lost request shows in the tail instead of vanishing from it (and the run reports how many).
  const end = performance.now();
  let unanswered = 0;
  for (const c of conns) if (c.busy) latencies[completed + unanswered++] = end - c.due;
  for (const due of backlog) latencies[completed + unanswered++] = end - due;
  for (const c of conns) c.socket.destroy();

  /** The completed requests' latencies grouped by a slot of their due time, in slot order. */
  const bySlot = (slotOf: (due: number) => number): [number, number[]][] => {
    const slots = new Map<number, number[]>();
    for (let i = 0; i < completed; i++) {
      const slot = slotOf(dueAt![i]!);
      (slots.get(slot) ?? slots.set(slot, []).get(slot)!).push(latencies[i]!);
    }
    return [...slots.entries()].sort((x, y) => x[0] - y[0]);
  };
  if (dueAt) {
    for (const [second, l] of bySlot((due) => Math.floor((due - start) / 1000))) {
      l.sort((x, y) => x - y);
      const q = (f: number) => l[Math.min(l.length - 1, Math.floor(f * l.length))]!.toFixed(1);
      console.log(`  ${name} second ${second}: ${l.length} requests, p50 ${q(0.5)} p99 ${q(0.99)} max ${q(1)} ms`);
    }
  }
  // BENCH_STALLS=1: every 100 ms slot whose slowest request took over 10 ms, by wall-clock time,
  // to line up with the server's stall trace (BENCH_DIAG=1).
  if (process.env.BENCH_STALLS === "1" && dueAt) {
    for (const [slot, l] of bySlot((due) => Math.floor((performance.timeOrigin + due) / 100))) {
      const max = Math.max(...l);
      if (max > 10) console.log(`  [stall] ${new Date(slot * 100).toISOString()} +100ms: ${l.length} requests, max ${max.toFixed(1)} ms`);
    }
  }
  const counted = completed + unanswered;
  const sorted = latencies.subarray(0, counted).sort();
  const at = (q: number) => Math.round((sorted[Math.min(counted - 1, Math.floor(q * counted))] ?? 0) * 10) / 10;
  const elapsed = (performance.now() - start) / 1000;
  return {
    name,
    rps: completed / Math.max(elapsed, opts.seconds),
    p50: at(0.5),
    p99: at(0.99),
    non2xx,
    errors: errors + (total - completed),
    total: completed,
  };
}

type PacedOptions = Parameters<typeof paced>[2];

/**
 * paced() in a process of its own: the load generator's latency must not include the collection of
 * another load generator's garbage (autocannon's peak run, in the calling process, leaves hundreds
 * of MB for the next major GC, which would stall this run's sending and be charged to the server).
 */
export async function pacedInChild(name: string, target: string, opts: PacedOptions): Promise<LoadResult> {
  const { spawn } = await import("node:child_process");
  const child = spawn("npx", ["tsx", import.meta.filename], {
    env: { ...process.env, PACED_ARGS: JSON.stringify({ name, target, opts }) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    const text = d.toString();
    out += text;
    // Timeline lines go straight through; the result is the last line.
    for (const line of text.split("\n")) if (line.startsWith("  ")) console.log(line);
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const last = out.trim().split("\n").pop() ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`paced load generator failed (exit ${code})`);
  return JSON.parse(last) as LoadResult;
}

if (process.env.PACED_ARGS && process.argv[1] === import.meta.filename) {
  const { name, target, opts } = JSON.parse(process.env.PACED_ARGS) as { name: string; target: string; opts: PacedOptions };
  // The generator's own warm-up (JIT, connections), at the same rate, not counted.
  await paced("warm-up", target, { ...opts, seconds: 2 });
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const result = await paced(name, target, opts);
  loop.disable();
  if (process.env.BENCH_TIMELINE === "1")
    console.log(
      `  load generator's own event-loop delay: p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`,
    );
  console.log(JSON.stringify(result));
}

// Timing helpers: throughput of a tight loop, and per-operation latency percentiles.

export interface Figures {
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
}

export function percentile(sortedNs: BigUint64Array | Float64Array, p: number): number {
  const index = Math.min(sortedNs.length - 1, Math.floor((p / 100) * sortedNs.length));
  return Number(sortedNs[index]!);
}

/** Latency of `op` called `n` times one after another (sync). */
export function latencySync(n: number, op: (i: number) => unknown): { p50Us: number; p99Us: number } {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    op(i);
    samples[i] = Number(process.hrtime.bigint() - t0);
  }
  samples.sort();
  return { p50Us: percentile(samples, 50) / 1000, p99Us: percentile(samples, 99) / 1000 };
}

/** Throughput of `op` in a tight loop (sync, one core). */
export function throughputSync(n: number, op: (i: number) => unknown): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) op(i);
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** Latency of `op` awaited `n` times one after another: one client, one request in flight. */
export async function latencyAsync(
  n: number,
  op: (i: number) => Promise<unknown>,
): Promise<{ p50Us: number; p99Us: number; opsPerSecond: number }> {
  const samples = new Float64Array(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await op(i);
    samples[i] = Number(process.hrtime.bigint() - t0);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  samples.sort();
  return { p50Us: percentile(samples, 50) / 1000, p99Us: percentile(samples, 99) / 1000, opsPerSecond: n / seconds };
}

/**
 * Latency of `a` and `b` measured alternately (a, b, a, b, …) so that both see the same machine
 * load: on a busy machine the tail (p99) is noise from other processes, and interleaving shares it.
 */
export async function pairedLatencyAsync(
  n: number,
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<[{ p50Us: number; p99Us: number; opsPerSecond: number }, { p50Us: number; p99Us: number; opsPerSecond: number }]> {
  const samples = [new Float64Array(n), new Float64Array(n)] as const;
  const totals = [0, 0];
  for (let i = 0; i < n; i++) {
    for (const [k, op] of [a, b].entries()) {
      const t0 = process.hrtime.bigint();
      await op(i);
      const ns = Number(process.hrtime.bigint() - t0);
      samples[k]![i] = ns;
      totals[k]! += ns;
    }
  }
  return samples.map((s, k) => {
    s.sort();
    return { p50Us: percentile(s, 50) / 1000, p99Us: percentile(s, 99) / 1000, opsPerSecond: n / (totals[k]! / 1e9) };
  }) as [{ p50Us: number; p99Us: number; opsPerSecond: number }, { p50Us: number; p99Us: number; opsPerSecond: number }];
}

/** Throughput with `concurrency` operations in flight (as many app requests at once would do). */
export async function throughputAsync(n: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  const worker = async () => {
    while (next < n) await op(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

// The simulator's text report — the minute-by-minute table and the one-line summary — shared by
// `npm run simulate:limits` and `headroom simulate-limits`, so both print exactly the same thing.
import type { SimulatedMinute } from "./simulate";

export function simulationTable(rows: SimulatedMinute[]): string {
  const header = ["minute", "RPM", "ITPM", "OTPM", "sent", "in-limit", "over-limit", "rejected", "sustained"];
  const cells = rows.map((r) => [
    r.minute,
    r.limits.requests,
    r.limits.tokensPrompt,
    r.limits.tokensGenerated,
    r.sent,
    r.admittedInLimit,
    r.admittedOverLimit,
    r.rejected,
    Number(r.sustainedMinutes.toFixed(3)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (values: (string | number)[]) => values.map((v, i) => String(v).padStart(widths[i] ?? 0)).join("  ");
  return [line(header), ...cells.map(line)].join("\n");
}

/** "policy default: sent …, over-limit …, rejected …; cap 2000 RPM reached at minute 167" */
export function simulationSummary(policyName: string, capRpm: number, rows: SimulatedMinute[]): string {
  const capAt = rows.find((r) => r.limits.requests >= capRpm);
  const totals = rows.reduce((t, r) => ({ sent: t.sent + r.sent, over: t.over + r.admittedOverLimit, rejected: t.rejected + r.rejected }), {
    sent: 0,
    over: 0,
    rejected: 0,
  });
  return (
    `policy ${policyName}: sent ${totals.sent}, over-limit ${totals.over}, rejected ${totals.rejected}; ` +
    (capAt ? `cap ${capRpm} RPM reached at minute ${capAt.minute}` : `cap ${capRpm} RPM not reached`)
  );
}
